package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Kinesis connector rows to the record columns the rest of the pipeline uses. */
public final class KinesisRecords {
  private KinesisRecords() {}

  /** payload (UTF-8 text of the record), stream_name, partition_key, sequence_number, arrival_time. */
  public static Dataset<Row> decode(Dataset<Row> kinesis) {
    return kinesis.select(
        col("data").cast("string").as("payload"),
        col("streamName").as("stream_name"),
        col("partitionKey").as("partition_key"),
        col("sequenceNumber").as("sequence_number"),
        col("approximateArrivalTimestamp").as("arrival_time"));
  }
}
