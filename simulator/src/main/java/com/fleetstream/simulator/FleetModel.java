package com.fleetstream.simulator;

import com.fleetstream.geo.GreatCircle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Vehicles that drive from their depot to random destinations nearby, stop there for a while with
 * the engine idling, and drive on. Deterministic for a given seed.
 */
public final class FleetModel {
  private static final double[][] DEPOTS = {
      {53.5511, 9.9937}, // Hamburg
      {52.5200, 13.4050}, // Berlin
      {48.1351, 11.5820}, // Munich
      {51.9244, 4.4777}, // Rotterdam
      {45.7640, 4.8357}, // Lyon
  };
  private static final double DESTINATION_RADIUS_KM = 40;
  private static final double ARRIVAL_KM = 0.3;

  private final Random random;
  private final List<Vehicle> vehicles = new ArrayList<>();

  public FleetModel(int count, long seed) {
    this.random = new Random(seed);
    for (int i = 0; i < count; i++) {
      double[] depot = DEPOTS[i % DEPOTS.length];
      double[] start = GreatCircle.destination(depot[0], depot[1], random.nextDouble() * 360, random.nextDouble() * 5);
      Vehicle v = new Vehicle(vehicleId(i), start[0], start[1]);
      v.altitude = 20 + random.nextDouble() * 300;
      v.fuel = 40 + random.nextDouble() * 60;
      v.cruiseKmh = 45 + random.nextDouble() * 45;
      pickDestination(v);
      vehicles.add(v);
    }
  }

  /** The id the {@code index}th vehicle (from 0) sends. */
  public static String vehicleId(int index) {
    return String.format("truck-%03d", index + 1);
  }

  /** Advances every vehicle by {@code step} and returns one fix each, stamped {@code at}. */
  public List<GpsFix> tick(Instant at, Duration step) {
    double hours = step.toMillis() / 3_600_000.0;
    List<GpsFix> fixes = new ArrayList<>(vehicles.size());
    for (Vehicle v : vehicles) {
      String engine;
      if (v.idleTicksLeft > 0) {
        v.idleTicksLeft--;
        v.speed = 0;
        engine = v.idleTicksLeft % 7 == 0 ? "off" : "idle";
        if (v.idleTicksLeft == 0) {
          pickDestination(v);
        }
      } else {
        double target = v.cruiseKmh + random.nextGaussian() * 8;
        v.speed = Math.max(5, Math.min(130, 0.6 * v.speed + 0.4 * target));
        double remaining = GreatCircle.haversineKm(v.lat, v.lon, v.destLat, v.destLon);
        double travel = Math.min(remaining, v.speed * hours);
        v.heading = GreatCircle.bearingDeg(v.lat, v.lon, v.destLat, v.destLon);
        double[] next = GreatCircle.destination(v.lat, v.lon, v.heading, travel);
        v.lat = next[0];
        v.lon = next[1];
        v.fuel -= travel * 0.03;
        if (v.fuel < 10) {
          v.fuel = 95 + random.nextDouble() * 5;
        }
        v.altitude = Math.max(0, v.altitude + random.nextGaussian() * 2);
        engine = "running";
        if (remaining - travel < ARRIVAL_KM) {
          v.idleTicksLeft = 12 + random.nextInt(60);
        }
      }
      fixes.add(new GpsFix(v.id, Ids.uuid(random), at, round(v.lat, 6), round(v.lon, 6), round(v.speed, 1),
          round(v.heading, 1), round(v.altitude, 1), round(3 + random.nextDouble() * 12, 1), round(v.fuel, 1),
          engine));
    }
    return fixes;
  }

  private void pickDestination(Vehicle v) {
    double[] dest = GreatCircle.destination(v.lat, v.lon, random.nextDouble() * 360,
        5 + random.nextDouble() * DESTINATION_RADIUS_KM);
    v.destLat = dest[0];
    v.destLon = dest[1];
  }

  static double round(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }

  private static final class Vehicle {
    final String id;
    double lat;
    double lon;
    double destLat;
    double destLon;
    double speed;
    double heading;
    double altitude;
    double fuel;
    double cruiseKmh;
    int idleTicksLeft;

    Vehicle(String id, double lat, double lon) {
      this.id = id;
      this.lat = lat;
      this.lon = lon;
    }
  }
}
