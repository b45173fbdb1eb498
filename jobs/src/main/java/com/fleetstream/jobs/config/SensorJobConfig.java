package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;

/**
 * The sensor streaming job's configuration. A breach alert is raised after
 * {@code ALERT_CONSECUTIVE_READINGS} readings in a row outside the thresholds.
 */
public record SensorJobConfig(StreamingConfig streaming, Thresholds thresholds, int alertConsecutiveReadings) {

  public static SensorJobConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    SensorJobConfig config = new SensorJobConfig(
        StreamingConfig.from(args, "sensor", "sensor-readings", "5 minutes"),
        args.parsed("THRESHOLDS", Thresholds.parse(Thresholds.DEFAULT), Thresholds::parse),
        args.integer("ALERT_CONSECUTIVE_READINGS", 3, 1, 10_000));
    ConfigLog.unread("sensor job", args);
    return config;
  }
}
