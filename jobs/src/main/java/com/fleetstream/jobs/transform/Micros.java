package com.fleetstream.jobs.transform;

import java.sql.Timestamp;

/** Spark's timestamps hold microseconds; {@link Timestamp#getTime} drops them. */
final class Micros {
  private Micros() {}

  static long of(Timestamp t) {
    return Math.floorDiv(t.getTime(), 1_000L) * 1_000_000L + t.getNanos() / 1_000;
  }

  static Timestamp timestamp(long micros) {
    Timestamp t = new Timestamp(Math.floorDiv(micros, 1_000_000L) * 1_000L);
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1_000);
    return t;
  }
}
