package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Kinesis connector rows to the record columns the rest of the pipeline uses. */
public final class KinesisRecords {
  private KinesisRecords() {}

  /** What bytes that are not UTF-8 become in the payload; validation quarantines records holding it. */
  static final String REPLACEMENT = "\uFFFD";

  /**
   * payload (UTF-8 text of the record), stream_name, partition_key, sequence_number, arrival_time.
   * Decoding replaces invalid UTF-8 (a cast would keep the raw bytes, which PostgreSQL then refuses).
   */
  public static Dataset<Row> decode(Dataset<Row> kinesis) {
    return kinesis.select(
        functions.decode(col("data"), "UTF-8").as("payload"),
        col("streamName").as("stream_name"),
        col("partitionKey").as("partition_key"),
        col("sequenceNumber").as("sequence_number"),
        col("approximateArrivalTimestamp").as("arrival_time"));
  }
}
