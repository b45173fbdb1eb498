package com.fleetstream.jobs.config;

/** The sensor streaming job's configuration. */
public record SensorJobConfig(StreamingConfig streaming, Thresholds thresholds) {

  public static SensorJobConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    SensorJobConfig config = new SensorJobConfig(
        StreamingConfig.from(args, "sensor-readings", "5 minutes"),
        args.parsed("THRESHOLDS", Thresholds.parse(Thresholds.DEFAULT), Thresholds::parse));
    ConfigLog.unread("sensor job", args);
    return config;
  }
}
