package com.fleetstream.jobs.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.contract.InputContract.RecordKind;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.sink.Sinks;
import com.fleetstream.jobs.source.KinesisSource;
import com.fleetstream.testkit.KinesisEmulator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query of our Kinesis source restarted on its checkpoint after a change: a stateless change
 * resumes where it stopped, reading exactly what came after; a change to what it keeps in state is
 * refused with a message that says what to do. Each run drains the stream and stops, so what a run
 * reads does not depend on how fast the machine is.
 */
class CheckpointCompatibilityIT {
  private static final String STREAM = "compat";
  private static KinesisEmulator kinesis;

  @TempDir
  Path work;

  @BeforeAll
  static void start() {
    kinesis = KinesisEmulator.start();
    kinesis.createStream(STREAM, 2);
  }

  @AfterAll
  static void stop() {
    kinesis.close();
  }

  /** Counts the rows of the batches it is given, and the lowest and highest value seen. */
  private static final class Counting implements BatchSink {
    final AtomicLong rows = new AtomicLong();
    final AtomicLong minValue = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong maxValue = new AtomicLong(Long.MIN_VALUE);

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public long write(Dataset<Row> batch, long count, BatchId id) {
      Row range = batch.agg(min("value"), max("value"), count("value")).first();
      if (!range.isNullAt(0)) {
        minValue.accumulateAndGet(range.getLong(0), Math::min);
        maxValue.accumulateAndGet(range.getLong(1), Math::max);
      }
      return rows.addAndGet(range.getLong(2));
    }
  }

  @Test
  void aStatelessChangeResumesAndAStateChangeIsRefusedWithAdvice() {
    SparkSession spark = SparkTestSession.get();
    StreamingConfig config = StreamingConfig.from(GlueArgs.parse(
        "--STREAM_NAME", STREAM, "--KINESIS_ENDPOINT", kinesis.endpoint().toString(),
        "--KINESIS_ACCESS_KEY_ID", KinesisEmulator.ACCESS_KEY, "--KINESIS_SECRET_KEY", KinesisEmulator.SECRET_KEY,
        "--CHECKPOINT_PATH", work.resolve("checkpoints").toUri().toString(),
        "--OUTPUT_PATH", work.resolve("out").toUri().toString(), "--SINKS", "parquet",
        "--TRIGGER_INTERVAL", "1 second", "--STOP_WHEN_DRAINED", "true", "--MAX_RUN_SECONDS", "900",
        "--SHUFFLE_PARTITIONS", "2"), "compat", STREAM, "1 minute");
    Dataset<Row> values = KinesisSource.read(spark, config.source(), RecordKind.LOCATION, List.of()).get(0).records()
        .select(col("data").cast("string").cast("long").as("value"), col("approximateArrivalTimestamp").as("arrival"));
    Dataset<Row> deduplicated = values.withWatermark("arrival", "1 minute").dropDuplicatesWithinWatermark("value");

    put(0, 40);
    Counting first = new Counting();
    run(spark, config, deduplicated, first);
    assertThat(List.of(first.rows.get(), first.minValue.get(), first.maxValue.get())).containsExactly(40L, 0L, 39L);

    put(40, 70);
    Counting second = new Counting();
    run(spark, config, deduplicated.withColumn("doubled", col("value").multiply(2)), second);
    // resumed right after what the first run read: nothing again, nothing skipped
    assertThat(List.of(second.rows.get(), second.minValue.get(), second.maxValue.get()))
        .containsExactly(30L, 40L, 69L);

    put(70, 80);
    Dataset<Row> rekeyed = values.withColumn("bucket", col("value").mod(10))
        .withWatermark("arrival", "1 minute").dropDuplicatesWithinWatermark("value", "bucket");
    Counting refused = new Counting();
    assertThatThrownBy(() -> run(spark, config, rekeyed, refused))
        .hasMessageStartingWith("query test-dedup cannot resume from its checkpoint " + config.checkpointPath()
            + "/test/dedup: the state saved there was written by a version of the query with a different state layout")
        .hasMessageContaining("--STARTING_POSITION LATEST");
    assertThat(refused.rows.get()).as("nothing written by the refused attempt").isZero();
  }

  private static void put(int from, int to) {
    TestRecords.put(kinesis, STREAM, "k", IntStream.range(from, to).mapToObj(Integer::toString).toList());
  }

  private static void run(SparkSession spark, StreamingConfig config, Dataset<Row> rows, Counting sink) {
    StreamingQueries queries = new StreamingQueries(spark, config, "test", UnaryOperator.identity());
    queries.start("dedup", rows, new Sinks(List.of(sink)));
    queries.awaitAll();
  }
}
