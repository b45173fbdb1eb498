package com.fleetstream.jobs.contract;

import java.util.Locale;

/** How a record's timestamp may be written. */
public enum TimestampFormat {
  /** {@code 2026-05-01T10:00:00Z}, with an offset ({@code +02:00}), or with no zone, read as UTC. */
  ISO_8601,
  /** Seconds since 1970-01-01T00:00:00Z, a JSON number or text, fractions allowed. */
  EPOCH_SECONDS,
  /** Milliseconds since 1970-01-01T00:00:00Z, a JSON number or text. */
  EPOCH_MILLIS;

  /** As written in a contract file: {@code iso8601}, {@code epoch_seconds}, {@code epoch_millis}. */
  public String fileName() {
    return this == ISO_8601 ? "iso8601" : name().toLowerCase(Locale.ROOT);
  }

  static TimestampFormat ofFileName(String name) {
    for (TimestampFormat f : values()) {
      if (f.fileName().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown timestamp format '" + name + "' (known: iso8601, epoch_seconds,"
        + " epoch_millis)");
  }
}
