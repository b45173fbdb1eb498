package com.fleetstream.jobs;

import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Faults for tests, injected around the writes of a job's sinks picked by name. */
public final class SinkHooks {
  /** What happens instead of a write: usually the write itself plus a fault before or after it. */
  public interface Write {
    long write(BatchSink sink, Dataset<Row> rows, long count, BatchId id);
  }

  private SinkHooks() {}

  public static UnaryOperator<BatchSink> around(Set<String> sinks, Write write) {
    return around(sinks::contains, write);
  }

  /** @param sinks which sinks, by name, the hook replaces the writes of */
  public static UnaryOperator<BatchSink> around(Predicate<String> sinks, Write write) {
    return sink -> !sinks.test(sink.name()) ? sink : new BatchSink() {
      @Override
      public String name() {
        return sink.name();
      }

      @Override
      public long write(Dataset<Row> rows, long count, BatchId id) {
        return write.write(sink, rows, count, id);
      }

      @Override
      public UnaryOperator<Dataset<Row>> taking() {
        return sink.taking();
      }

      @Override
      public String lane() {
        return sink.lane();
      }
    };
  }
}
