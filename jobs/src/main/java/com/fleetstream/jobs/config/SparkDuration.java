package com.fleetstream.jobs.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in Spark's interval words ("5 minutes", "1 hour", "30 seconds"), checked at start-up. */
public record SparkDuration(Duration value) {
  private static final Pattern FORMAT =
      Pattern.compile("(\\d+)\\s*(second|seconds|sec|s|minute|minutes|min|m|hour|hours|h|day|days|d)");

  public SparkDuration {
    if (value.isNegative()) {
      throw new IllegalArgumentException("negative duration");
    }
  }

  public static SparkDuration parse(String text) {
    Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("expected e.g. '30 seconds', '5 minutes', '1 hour'");
    }
    long n = Long.parseLong(m.group(1));
    return new SparkDuration(switch (m.group(2).charAt(0)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    });
  }

  /** The form Spark's window(), withWatermark() and triggers accept. */
  public String spark() {
    return value.toSeconds() + " seconds";
  }
}
