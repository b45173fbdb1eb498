package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;

import com.fleetstream.jobs.config.SparkDuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per sensor, metric and tumbling event-time window: statistics over the readings within limits, and
 * how many readings breached them (input flagged by {@link ThresholdBreaches}).
 */
public final class SensorWindowStats {
  private SensorWindowStats() {}

  public static Dataset<Row> aggregate(Dataset<Row> flagged, SparkDuration windowDuration) {
    Column within = when(col("breach").isNull(), col("value"));
    return flagged
        .groupBy(window(col("event_time"), windowDuration.spark()).as("window"),
            col("sensor_id"), col("device_id"), col("metric"), col("unit"))
        .agg(
            count(within).as("reading_count"),
            min(within).as("min_value"),
            max(within).as("max_value"),
            avg(within).as("avg_value"),
            count(col("breach")).as("breach_count"))
        .select(col("sensor_id"), col("device_id"), col("metric"), col("unit"),
            col("window.start").as("window_start"), col("window.end").as("window_end"),
            col("reading_count"), col("min_value"), col("max_value"), col("avg_value"), col("breach_count"));
  }
}
