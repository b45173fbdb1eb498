package com.fleetstream.jobs.combine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;

import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.jobs.transform.SensorWindowStats;
import com.fleetstream.jobs.transform.VehicleWindowStats;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The combine job's per-day and per-hour summaries, computed from the deduplicated events with the
 * same window statistics the streaming jobs use, so a day's distance includes legs that cross hours.
 */
public final class FinalSummaries {
  private static final SparkDuration DAY = SparkDuration.parse("1 day");
  private static final SparkDuration HOUR = SparkDuration.parse("1 hour");

  private FinalSummaries() {}

  /** Per vehicle and UTC day: distance, driving/idle minutes, speeds, fix count, first/last position. */
  public static Dataset<Row> vehicleDaily(Dataset<Row> locationEvents, double idleSpeedKmh) {
    return VehicleWindowStats.aggregate(locationEvents, DAY, idleSpeedKmh)
        .withColumn("dt", date_format(col("window_start"), "yyyy-MM-dd"))
        .drop("window_start", "window_end");
  }

  /** Per sensor, metric and UTC hour: statistics within thresholds and breaches (input flagged by the stream). */
  public static Dataset<Row> sensorHourly(Dataset<Row> flaggedSensorEvents) {
    return Partitioning.byHourOf(SensorWindowStats.aggregate(flaggedSensorEvents, HOUR), "window_start");
  }
}
