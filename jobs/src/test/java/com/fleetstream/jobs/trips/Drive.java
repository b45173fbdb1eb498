package com.fleetstream.jobs.trips;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.trips.TripDetector.Fix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted drive from {@code start} on: one fix every 5 seconds, standing or driving east at a
 * steady speed, with silences and ignition off where the script says. Its fixes' ids are the vehicle
 * and their number in the script.
 */
public final class Drive {
  public static final long STEP_MS = 5_000;
  private final List<Fix> fixes = new ArrayList<>();
  private final String vehicle;
  private long next;
  private double lat;
  private double lon;

  public Drive(String vehicle, Instant start, double lat, double lon) {
    this.vehicle = vehicle;
    this.next = start.toEpochMilli();
    this.lat = lat;
    this.lon = lon;
  }

  /** Fixes standing still for {@code seconds}. */
  public Drive stand(int seconds, double speedKmh) {
    return stand(seconds, speedKmh, "idle");
  }

  public Drive stand(int seconds, double speedKmh, String engine) {
    for (int s = 0; s < seconds; s += 5) {
      add(speedKmh, engine);
    }
    return this;
  }

  /** Fixes driving east at {@code speedKmh} for {@code seconds}. */
  public Drive drive(int seconds, double speedKmh) {
    for (int s = 0; s < seconds; s += 5) {
      double[] next = GreatCircle.destination(lat, lon, 90, speedKmh * STEP_MS / 3_600_000.0);
      lat = next[0];
      lon = next[1];
      add(speedKmh, "running");
    }
    return this;
  }

  /** No fix for {@code seconds} more than the usual step. */
  public Drive silent(int seconds) {
    next += seconds * 1000L;
    return this;
  }

  private void add(double speedKmh, String engine) {
    fixes.add(new Fix(next, vehicle + "-" + fixes.size(), lat, lon, speedKmh, engine));
    next += STEP_MS;
  }

  public List<Fix> fixes() {
    return List.copyOf(fixes);
  }

  public Fix fix(int i) {
    return fixes.get(i);
  }

  public String vehicle() {
    return vehicle;
  }
}
