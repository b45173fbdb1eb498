package com.fleetstream.jobs.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per-metric limits, written {@code metric:min:max,...}; an empty bound means none. A reading outside
 * its limits is a breach: kept as such and left out of the window statistics.
 */
public record Thresholds(Map<String, Range> byMetric) implements java.io.Serializable {
  public static final Set<String> METRICS = Set.of("temperature", "humidity", "energy");
  public static final String DEFAULT = "temperature:-30:30,humidity:0:95,energy:0:500";

  public record Range(Double min, Double max) implements java.io.Serializable {}

  public Thresholds {
    byMetric = Collections.unmodifiableMap(new LinkedHashMap<>(byMetric));
  }

  public static Thresholds parse(String text) {
    Map<String, Range> ranges = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String[] f = part.trim().split(":", -1);
      if (f.length != 3) {
        throw new IllegalArgumentException("'" + part + "' is not metric:min:max");
      }
      String metric = f[0].trim();
      if (!METRICS.contains(metric)) {
        throw new IllegalArgumentException("unknown metric '" + metric + "' (known: " + METRICS + ")");
      }
      Double min = f[1].isBlank() ? null : Double.valueOf(f[1]);
      Double max = f[2].isBlank() ? null : Double.valueOf(f[2]);
      if (min != null && max != null && min > max) {
        throw new IllegalArgumentException(metric + ": min " + min + " > max " + max);
      }
      ranges.put(metric, new Range(min, max));
    }
    return new Thresholds(ranges);
  }
}
