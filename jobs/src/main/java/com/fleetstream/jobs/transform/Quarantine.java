package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Invalid records as kept in quarantine: where they came from, why, and the payload as received. */
public final class Quarantine {
  private Quarantine() {}

  public static Dataset<Row> records(Dataset<Row> validated) {
    return EventValidation.invalid(validated).select(
        col("stream_name"), col("partition_key"), col("sequence_number"), col("arrival_time"),
        col(EventValidation.REASON).as("reason"), col("payload"));
  }
}
