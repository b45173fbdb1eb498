package com.fleetstream.jobs.sink;

import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Writes one micro-batch; writing the same batch again must leave the sink as after the first time. */
public interface BatchSink {
  /** Short name for logs and counts, e.g. the table. */
  String name();

  /** @return rows written (0 when this batch had already been written) */
  long write(Dataset<Row> batch, BatchId id);

  /**
   * A batch's sinks write concurrently, one thread per lane; sinks sharing a lane write one after
   * the other, in the order given. Sinks that share state (a session setting) or depend on another's
   * result share its lane.
   */
  default String lane() {
    return name();
  }

  /** This sink, writing only the rows {@code select} keeps of each batch (e.g. only breaches). */
  default BatchSink onlyRows(UnaryOperator<Dataset<Row>> select) {
    BatchSink sink = this;
    return new BatchSink() {
      @Override
      public String name() {
        return sink.name();
      }

      @Override
      public long write(Dataset<Row> batch, BatchId id) {
        return sink.write(select.apply(batch), id);
      }

      @Override
      public String lane() {
        return sink.lane();
      }
    };
  }
}
