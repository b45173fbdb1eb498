package com.fleetstream.jobs.runtime;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.sink.Sinks;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query restarted on its checkpoint after a change: a stateless change resumes where it stopped,
 * reading only what came after; a change to what it keeps in state is refused with a message that
 * says what to do.
 */
class CheckpointCompatibilityIT {
  @TempDir
  Path work;

  /** Counts the rows of the batches it is given, the highest batch id and the rate source's values seen. */
  private static final class Counting implements BatchSink {
    final AtomicLong rows = new AtomicLong();
    final AtomicLong lastBatch = new AtomicLong(-1);
    final AtomicLong minValue = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong maxValue = new AtomicLong(Long.MIN_VALUE);

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public long write(Dataset<Row> batch, BatchId id) {
      lastBatch.set(id.batch());
      Row range = batch.agg(org.apache.spark.sql.functions.min("value"), org.apache.spark.sql.functions.max("value"))
          .first();
      if (!range.isNullAt(0)) {
        minValue.accumulateAndGet(range.getLong(0), Math::min);
        maxValue.accumulateAndGet(range.getLong(1), Math::max);
      }
      return rows.addAndGet(batch.count());
    }
  }

  @Test
  void aStatelessChangeResumesAndAStateChangeIsRefusedWithAdvice() {
    SparkSession spark = SparkTestSession.get();
    StreamingConfig config = StreamingConfig.from(GlueArgs.parse(
        "--CHECKPOINT_PATH", work.resolve("checkpoints").toUri().toString(),
        "--OUTPUT_PATH", work.resolve("out").toUri().toString(), "--SINKS", "parquet",
        "--TRIGGER_INTERVAL", "1 second", "--MAX_RUN_SECONDS", "4", "--SHUFFLE_PARTITIONS", "2"), "compat", "s", "1 minute");
    Dataset<Row> rate = spark.readStream().format("rate").option("rowsPerSecond", "20").load();
    Dataset<Row> deduplicated = rate.withWatermark("timestamp", "1 minute").dropDuplicatesWithinWatermark("value");

    Counting first = new Counting();
    run(spark, config, deduplicated, first);
    assertThat(first.lastBatch.get()).isPositive();

    Counting second = new Counting();
    run(spark, config, deduplicated.withColumn("doubled", col("value").multiply(2)), second);
    assertThat(second.rows.get()).isPositive();
    // the rate source counts 0, 1, 2, ...: the resumed query starts right after the last value read
    assertThat(first.minValue.get()).isZero();
    assertThat(second.minValue.get()).isEqualTo(first.maxValue.get() + 1);
    assertThat(second.rows.get()).isEqualTo(second.maxValue.get() - second.minValue.get() + 1);

    Dataset<Row> rekeyed = rate.withColumn("bucket", col("value").mod(10))
        .withWatermark("timestamp", "1 minute").dropDuplicatesWithinWatermark("value", "bucket");
    assertThatThrownBy(() -> run(spark, config, rekeyed, new Counting()))
        .hasMessageStartingWith("query test-dedup cannot resume from its checkpoint " + config.checkpointPath()
            + "/test/dedup: the state saved there was written by a version of the query with a different state layout")
        .hasMessageContaining("--STARTING_POSITION LATEST");
  }

  private static void run(SparkSession spark, StreamingConfig config, Dataset<Row> rows, Counting sink) {
    StreamingQueries queries = new StreamingQueries(spark, config, "test", UnaryOperator.identity());
    queries.start("dedup", rows, new Sinks(List.of(sink)));
    queries.awaitAll();
  }
}
