package com.fleetstream.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventValidation;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the deduplication state costs per remembered event id: {@code ids} distinct ids (36
 * characters, as UUIDs are), all within the watermark, through the events query's own state function
 * ({@link Deduplication#keepingLate}) in a streaming query on the jobs' state store, read from the
 * state operator's progress ({@code memoryUsedBytes / numRowsTotal}). The baseline is Spark's
 * {@code dropDuplicatesWithinWatermark} on the same ids. What the state takes per id sizes the
 * workers: {@code DEDUP_WATERMARK} × fixes per second × bytes per id.
 */
final class StateBenchmark {
  private static final int BATCHES = 5;

  private StateBenchmark() {}

  static List<Results.Row> run(SparkSession spark, long ids) throws Exception {
    SparkDuration watermark = SparkDuration.parse("1 hour");
    double ours = bytesPerId(spark, ids, events -> Deduplication.keepingLate(events, watermark));
    double spark35 = bytesPerId(spark, ids, events -> events.withWatermark("event_time", watermark.spark())
        .dropDuplicatesWithinWatermark("event_id"));
    String baseline = "Spark's dropDuplicatesWithinWatermark(event_id) on the same ids";
    return List.of(new Results.Row("state: bytes per remembered event id (" + ids / 1000 + "k ids)", ours, spark35,
        "B/id", baseline));
  }

  /** Runs {@link #BATCHES} batches of distinct ids through {@code dedup} and reads its state's size per row. */
  private static double bytesPerId(SparkSession spark, long ids, Function<Dataset<Row>, Dataset<Row>> dedup)
      throws Exception {
    Dataset<Row> events = spark.readStream().format("rate-micro-batch")
        .option("rowsPerBatch", ids / BATCHES).option("numPartitions", 2).option("advanceMillisPerBatch", 1000)
        .load()
        .withColumn("event_id", substring(sha2(col("value").cast("string"), 256), 1, 36))
        .withColumn("vehicle_id", concat(lit("v-"), (col("value").mod(2000)).cast("string")))
        .withColumn("event_time", col("timestamp"))
        .withColumn("sequence_number", col("value").cast("string"))
        .withColumn(EventValidation.REASON, lit(null).cast(DataTypes.StringType))
        .drop("timestamp", "value");
    StreamingQuery query = dedup.apply(events).writeStream().format("noop")
        .option("checkpointLocation", Files.createTempDirectory("bench-state").toUri().toString())
        .start();
    try {
      StreamingQueryProgress last = null;
      // the source's batches are not all full (its first may be empty): run until every id is in the state
      while (last == null || last.stateOperators().length == 0 || last.stateOperators()[0].numRowsTotal() < ids) {
        Thread.sleep(200);
        last = query.lastProgress();
        if (query.exception().isDefined()) {
          throw query.exception().get();
        }
        if (last != null && last.batchId() > 4 * BATCHES) {
          throw new IllegalStateException("the state never held " + ids + " ids: " + last.json());
        }
      }
      StateOperatorProgress state = last.stateOperators()[0];
      if (state.numRowsTotal() != ids) {
        throw new IllegalStateException("the state holds " + state.numRowsTotal() + " ids, not " + ids);
      }
      return state.memoryUsedBytes() / (double) state.numRowsTotal();
    } finally {
      query.stop();
    }
  }
}
