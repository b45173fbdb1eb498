package com.fleetstream.jobs.transform;

import com.fleetstream.jobs.config.SparkDuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Drops repeated {@code event_id}s (producer retries, replays) within the watermark. Rows older than
 * the watermark are dropped too; Spark reports them per batch as late.
 */
public final class Deduplication {
  private Deduplication() {}

  public static Dataset<Row> withinWatermark(Dataset<Row> events, SparkDuration watermark) {
    return events.withWatermark("event_time", watermark.spark()).dropDuplicatesWithinWatermark("event_id");
  }
}
