package com.fleetstream.jobs.config;

/** The location streaming job's configuration. */
public record LocationJobConfig(StreamingConfig streaming, double idleSpeedKmh) {

  public static LocationJobConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    LocationJobConfig config = new LocationJobConfig(
        StreamingConfig.from(args, "vehicle-locations", "1 hour"),
        args.parsed("IDLE_SPEED_KMH", 1.0, Double::parseDouble));
    ConfigLog.unread("location job", args);
    return config;
  }
}
