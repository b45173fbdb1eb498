package com.fleetstream.jobs.sink;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Writes one micro-batch; writing the same batch again must leave the sink as after the first time. */
public interface BatchSink {
  /** Short name for logs and counts, e.g. the table. */
  String name();

  /** @return rows written (0 when this batch had already been written) */
  long write(Dataset<Row> batch, BatchId id);
}
