package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.geo.Geofence;
import java.util.Optional;

/**
 * The location streaming job's configuration. {@code GEOFENCES} is the URI of a JSON file of
 * {@link Geofence}s; without it there are no geofence alerts, and stops name no geofence.
 */
public record LocationJobConfig(StreamingConfig streaming, double idleSpeedKmh, Optional<String> geofences,
    TripRules trips) {

  public static LocationJobConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    LocationJobConfig config = new LocationJobConfig(
        StreamingConfig.from(args, "location", "vehicle-locations", "1 hour"),
        JobArgs.idleSpeedKmh(args),
        args.optional("GEOFENCES").map(uri -> JobArgs.uri(args, "GEOFENCES", uri)),
        TripRules.from(args));
    ConfigLog.unread("location job", args);
    return config;
  }
}
