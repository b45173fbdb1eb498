package com.fleetstream.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Vehicles as they behave in service ({@code --field-conditions true}), each drawn once from the
 * seed: a clock that runs fast or slow by a fixed offset (most run true), one coverage outage of 5 to
 * 90 minutes whose fixes the tracker buffers and flushes in order when it reconnects
 * (store-and-forward), now and then a fix stamped by a reset clock (1970, 2000-01-01) or far in the
 * future, and producer retries re-sent minutes to hours after the original.
 */
final class FieldConditions {
  /** Offsets a device clock may run by: within the hour ahead validation accepts. */
  private static final long[] OFFSET_MINUTES = {0, 0, 0, 0, 50, -20, 3, -7};
  static final Instant[] RESETS = {Instant.EPOCH, Instant.parse("2000-01-01T00:00:00Z")};
  static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");
  private static final double RESET_RATE = 0.002;
  private static final double FUTURE_RATE = 0.001;
  private static final double RETRY_RATE = 0.01;

  /** One vehicle's clock offset and outage (start inclusive, end exclusive; none: both null). */
  record Device(Duration offset, Instant outageStart, Instant outageEnd) {
    boolean offline(Instant at) {
      return outageStart != null && !at.isBefore(outageStart) && at.isBefore(outageEnd);
    }
  }

  private final Random random;
  private final Instant start;
  private final Duration duration;
  private final Map<String, Device> devices = new HashMap<>();

  FieldConditions(long seed, Instant start, Duration duration) {
    this.random = new Random(seed * 17 + 3);
    this.start = start;
    this.duration = duration;
  }

  Device device(String vehicleId) {
    return devices.computeIfAbsent(vehicleId, v -> {
      Duration offset = Duration.ofMinutes(OFFSET_MINUTES[random.nextInt(OFFSET_MINUTES.length)]);
      if (random.nextBoolean() || duration.toMinutes() < 10) {
        return new Device(offset, null, null);
      }
      long length = 5 + random.nextInt(86);
      Instant outage = start.plusSeconds(60L * random.nextInt((int) Math.max(1, duration.toMinutes() - 5)));
      return new Device(offset, outage, outage.plus(Duration.ofMinutes(length)));
    });
  }

  /** The fix as its device stamps it. */
  GpsFix stamped(GpsFix fix) {
    return at(fix, fix.timestamp().plus(device(fix.vehicleId()).offset()));
  }

  /** A reset or runaway clock's stamp for this fix, or null for most fixes. */
  Instant badStamp() {
    double r = random.nextDouble();
    if (r < RESET_RATE) {
      return RESETS[random.nextInt(RESETS.length)];
    }
    return r < RESET_RATE + FUTURE_RATE ? FAR_FUTURE : null;
  }

  /** Seconds after the original that a retry goes out (5 minutes to 2 hours), or -1 for most records. */
  long retryAfterSeconds() {
    return random.nextDouble() < RETRY_RATE ? 300 + random.nextInt(6_901) : -1;
  }

  static GpsFix at(GpsFix f, Instant timestamp) {
    return new GpsFix(f.vehicleId(), f.eventId(), timestamp, f.latitude(), f.longitude(), f.speedKmh(), f.heading(),
        f.altitudeM(), f.accuracyM(), f.fuelLevelPct(), f.engineStatus());
  }
}
