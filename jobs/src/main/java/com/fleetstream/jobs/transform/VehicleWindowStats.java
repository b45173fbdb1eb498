package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;
import static org.apache.spark.sql.functions.zip_with;

import com.fleetstream.jobs.config.SparkDuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Per vehicle and tumbling event-time window: fixes, distance driven (haversine between consecutive
 * fixes in event-time order), speeds, idle and driving minutes, first and last position.
 *
 * <p>Time between two fixes counts as idle when the earlier fix was below the idle speed. Distance
 * and time are only summed between fixes inside the same window.
 *
 * <p>Over a whole table (the combine job, and the reference the streaming {@link VehicleWindows} is
 * held to): it collects each window's track.
 */
public final class VehicleWindowStats {
  private VehicleWindowStats() {}

  public static Dataset<Row> aggregate(Dataset<Row> fixes, SparkDuration windowDuration, double idleSpeedKmh) {
    Dataset<Row> grouped = fixes
        .groupBy(window(col("event_time"), windowDuration.spark()).as("window"), col("vehicle_id"))
        .agg(
            count(lit(1)).as("fix_count"),
            avg("speed_kmh").as("avg_speed_kmh"),
            max("speed_kmh").as("max_speed_kmh"),
            // struct fields sort in order, so event_time first sorts the track by time
            array_sort(collect_list(struct(col("event_time"), col("event_id"), col("latitude"), col("longitude"),
                col("speed_kmh")))).as("track"));

    Column n = size(col("track"));
    Column legs = zip_with(slice(col("track"), lit(1), n.minus(1)), slice(col("track"), lit(2), n.minus(1)),
        (a, b) -> struct(
            Haversine.km(a.getField("latitude"), a.getField("longitude"), b.getField("latitude"),
                b.getField("longitude")).as("km"),
            unix_micros(b.getField("event_time")).minus(unix_micros(a.getField("event_time"))).divide(60e6)
                .as("minutes"),
            a.getField("speed_kmh").as("speed")));

    return grouped
        .withColumn("legs", legs)
        .select(
            col("vehicle_id"),
            col("window.start").as("window_start"),
            col("window.end").as("window_end"),
            col("fix_count"),
            functions.aggregate(col("legs"), lit(0.0), (acc, leg) -> acc.plus(leg.getField("km"))).as("distance_km"),
            col("avg_speed_kmh"),
            col("max_speed_kmh"),
            sumMinutes(leg -> leg.getField("speed").lt(idleSpeedKmh)).as("idle_minutes"),
            sumMinutes(leg -> leg.getField("speed").geq(idleSpeedKmh)).as("driving_minutes"),
            element_at(col("track"), 1).getField("event_time").as("first_event_time"),
            element_at(col("track"), 1).getField("latitude").as("first_latitude"),
            element_at(col("track"), 1).getField("longitude").as("first_longitude"),
            element_at(col("track"), -1).getField("event_time").as("last_event_time"),
            element_at(col("track"), -1).getField("latitude").as("last_latitude"),
            element_at(col("track"), -1).getField("longitude").as("last_longitude"));
  }

  private static Column sumMinutes(java.util.function.Function<Column, Column> legMatches) {
    return functions.aggregate(col("legs"), lit(0.0),
        (acc, leg) -> acc.plus(when(legMatches.apply(leg), leg.getField("minutes")).otherwise(0.0)));
  }
}
