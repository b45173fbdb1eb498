package com.fleetstream.jobs.sink;

import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Writes one micro-batch; writing the same batch again must leave the sink as after the first time. */
public interface BatchSink {
  /** Short name for logs and counts, e.g. the table. */
  String name();

  /**
   * Writes {@code rows}, the rows of a batch this sink takes ({@link #taking}), {@code count} of them:
   * a query's batch counts every sink's rows in one pass, so that no sink runs a Spark job of its own
   * to find out, and an empty share plans nothing.
   *
   * @return rows written (0 when this batch had already been written)
   */
  long write(Dataset<Row> rows, long count, BatchId id);

  /** Writes the rows of {@code batch} this sink takes, counting them first (outside a query's batch). */
  default long write(Dataset<Row> batch, BatchId id) {
    Dataset<Row> rows = taking().apply(batch);
    return write(rows, rows.count(), id);
  }

  /** The rows of a batch this sink writes: all of them, unless made with {@link #onlyRows}. */
  default UnaryOperator<Dataset<Row>> taking() {
    return UnaryOperator.identity();
  }

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
    UnaryOperator<Dataset<Row>> taking = batch -> sink.taking().apply(select.apply(batch));
    return new BatchSink() {
      @Override
      public String name() {
        return sink.name();
      }

      @Override
      public long write(Dataset<Row> rows, long count, BatchId id) {
        return sink.write(rows, count, id);
      }

      @Override
      public UnaryOperator<Dataset<Row>> taking() {
        return taking;
      }

      @Override
      public String lane() {
        return sink.lane();
      }
    };
  }
}
