package com.fleetstream.jobs.combine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;

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

  /**
   * Per vehicle and UTC day a trip began on: trips, their distance, time, moving and idle minutes, the
   * longest trip, the top speed, the first departure and the last arrival.
   */
  public static Dataset<Row> vehicleDailyTrips(Dataset<Row> trips) {
    return trips.groupBy(col("vehicle_id"), col("dt")).agg(
        count(lit(1)).as("trips"),
        round(sum("distance_km"), 3).as("distance_km"),
        round(sum("duration_minutes"), 2).as("trip_minutes"),
        round(sum("moving_minutes"), 2).as("moving_minutes"),
        round(sum("idle_minutes"), 2).as("idle_minutes"),
        max("distance_km").as("longest_trip_km"),
        max("max_speed_kmh").as("max_speed_kmh"),
        min("start_time").as("first_departure"),
        max("end_time").as("last_arrival"));
  }

  /** Per sensor, metric and UTC hour: statistics within thresholds and breaches (input flagged by the stream). */
  public static Dataset<Row> sensorHourly(Dataset<Row> flaggedSensorEvents) {
    return Partitioning.byHourOf(SensorWindowStats.aggregate(flaggedSensorEvents, HOUR), "window_start");
  }
}
