package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import java.time.Duration;

/**
 * When a vehicle's fixes make a trip and when a stop, in the terms tracking servers such as Traccar
 * use. Defaults suit trucks reporting every 5 seconds.
 *
 * @param speedKmh a fix faster than this is moving (one whose {@code engine_status} is {@code off} never is)
 * @param minTripDuration movement becomes a trip once it has been moving this long ...
 * @param minTripDistanceKm ... or has covered this distance
 * @param minParking a trip ends once its vehicle has stood still this long (or at ignition off)
 * @param gap no fix for longer than this ends a trip at its last fix; the gap counts as a stop
 */
public record TripRules(double speedKmh, Duration minTripDuration, double minTripDistanceKm, Duration minParking,
    Duration gap) implements java.io.Serializable {

  public static TripRules from(GlueArgs args) {
    double speed = args.doubleValue("TRIP_SPEED_KMH", 3.0);
    if (!(speed > 0 && speed < 400)) {
      throw new InvalidArgumentException("TRIP_SPEED_KMH", "must be above 0 and below 400, got " + speed);
    }
    double distance = args.doubleValue("TRIP_MIN_DISTANCE_KM", 0.5);
    if (!(distance > 0)) {
      throw new InvalidArgumentException("TRIP_MIN_DISTANCE_KM", "must be above 0, got " + distance);
    }
    return new TripRules(speed, JobArgs.duration(args, "TRIP_MIN_DURATION", "2 minutes").value(), distance,
        JobArgs.duration(args, "TRIP_MIN_PARKING", "5 minutes").value(),
        JobArgs.duration(args, "TRIP_GAP", "15 minutes").value());
  }
}
