package com.fleetstream.simulator;

import java.util.Random;
import java.util.UUID;

final class Ids {
  private Ids() {}

  /** A version-4 UUID drawn from {@code random}, so runs with the same seed repeat their ids. */
  static String uuid(Random random) {
    long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
