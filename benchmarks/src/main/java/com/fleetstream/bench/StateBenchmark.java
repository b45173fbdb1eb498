package com.fleetstream.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.jobs.config.DedupStateLayout;
import com.fleetstream.jobs.config.DeviceTime;
import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.config.TripRules;
import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventValidation;
import com.fleetstream.jobs.transform.VehicleWindows;
import com.fleetstream.jobs.trips.TripsAndStops;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the deduplication state costs per remembered event id: {@code ids} distinct ids (36
 * characters, as UUIDs are) over an hour of event time, all within the watermark, through the events
 * query's own state function ({@link Deduplication#keepingLate}, both layouts) in a streaming query
 * on the jobs' state store, read from the state operator's progress ({@code memoryUsedBytes} over
 * the ids sent). The baseline is Spark's {@code dropDuplicatesWithinWatermark} on the same ids. What the state takes per id sizes the
 * workers: {@code DEDUP_WATERMARK} × fixes per second × bytes per id.
 */
final class StateBenchmark {
  private static final int BATCHES = 5;

  private StateBenchmark() {}

  static List<Results.Row> run(SparkSession spark, long ids) throws Exception {
    SparkDuration watermark = SparkDuration.parse("1 hour");
    Map<String, Function<Dataset<Row>, Dataset<Row>>> sides = new LinkedHashMap<>();
    sides.put("buckets", events -> Deduplication.keepingLate(events, watermark, DedupStateLayout.BUCKETS));
    sides.put("per-id", events -> Deduplication.keepingLate(events, watermark, DedupStateLayout.PER_ID));
    sides.put("spark", events -> events.withWatermark("event_time", watermark.spark())
        .dropDuplicatesWithinWatermark("event_id"));
    for (Function<Dataset<Row>, Dataset<Row>> side : sides.values()) {
      measure(spark, ids / 10, side); // the JIT compiles what the sides share before any is timed
    }
    Map<String, double[]> measured = new LinkedHashMap<>();
    for (var side : sides.entrySet()) {
      measured.put(side.getKey(), measure(spark, ids, side.getValue()));
    }
    String baseline = "Spark's dropDuplicatesWithinWatermark(event_id) on the same ids";
    String name = "state: bytes per remembered event id (" + ids / 1000 + "k ids";
    String batch = "state: median batch of " + ids / BATCHES / 1000 + "k new ids (ms";
    double[] spark35 = measured.get("spark");
    return List.of(new Results.Row(name + ")", measured.get("buckets")[0], spark35[0], "B/id", baseline),
        new Results.Row(name + ", DEDUP_STATE per-id)", measured.get("per-id")[0], spark35[0], "B/id", baseline),
        new Results.Row(batch + ")", measured.get("buckets")[1], spark35[1], "ms", baseline),
        new Results.Row(batch + ", DEDUP_STATE per-id)", measured.get("per-id")[1], spark35[1], "ms", baseline));
  }

  /**
   * The location job's per-vehicle state over an hour of event time: {@code vehicles} send a fix
   * every 5 s, a minute of them a batch for {@link #MINUTES} batches, each vehicle on its own clock
   * ({@code WINDOW_WATERMARK} 10 minutes), all in one hour window. The windows query holds a
   * vehicle's last 10 minutes of fixes and one window's sums, so its state and batch time are flat
   * once past the reordering horizon: read at minute 55 against minute 15 (each operator's {@code memoryUsedBytes}, and the median
   * {@code triggerExecution} of the five batches around each). Before, the window held every fix of
   * the hour: 11 times the state at minute 55 as at minute 5.
   */
  static List<Results.Row> perVehicle(SparkSession spark, int vehicles) throws Exception {
    long hour = System.currentTimeMillis() / 3_600_000 * 3_600_000 - 3_600_000;
    Dataset<Row> fixes = spark.readStream().format("rate-micro-batch")
        .option("rowsPerBatch", vehicles * 12).option("numPartitions", 2).option("advanceMillisPerBatch", 60_000)
        .option("startTimestamp", hour)
        .load()
        .withColumn("vehicle_id", concat(lit("v-"), col("value").mod(vehicles).cast("string")))
        .withColumn("event_id", substring(sha2(col("value").cast("string"), 256), 1, 36))
        // the batch's minute: the k-th fix of each vehicle 5 s after its (k-1)-th
        .withColumn("event_time", expr("timestamp + make_interval(0, 0, 0, 0, 0, 0, "
            + "CAST(floor(value / " + vehicles + ") % 12 * 5 AS INT))"))
        .withColumn("arrival_time", col("timestamp"))
        .withColumn("latitude", expr("CAST(52.5 + (value % 1000) * 0.0001 AS DOUBLE)"))
        .withColumn("longitude", expr("CAST(13.4 + (value % 997) * 0.0001 AS DOUBLE)"))
        .withColumn("speed_kmh", expr("CAST(value % 90 AS DOUBLE)"))
        .withColumn("engine_status", lit("on"))
        .drop("timestamp", "value");
    DeviceTime time = new DeviceTime(Duration.ofMinutes(10), Duration.ofHours(3), Duration.ofDays(31));
    long fixesSent = (long) vehicles * 12 * MINUTES;
    StreamingQueryProgress[] windows = run(VehicleWindows.aggregate(fixes, SparkDuration.parse("1 hour"), 1.0, time),
        fixesSent, MINUTES);
    StreamingQueryProgress[] trips = run(TripsAndStops.detect(fixes, TripRules.from(GlueArgs.parse()), List.of(),
        time), fixesSent, MINUTES);
    String early = "minute 15 of the same run";
    String none = "none (absolute)";
    return List.of(
        new Results.Row("state: windows query, bytes per vehicle at minute 55 (" + vehicles + " vehicles)",
            stateBytes(windows, 55) / (double) vehicles, stateBytes(windows, 15) / (double) vehicles,
            "B/vehicle", early),
        new Results.Row("state: windows query, batch at minute 55 (ms)", batchMs(windows, 55), batchMs(windows, 15),
            "ms", early),
        new Results.Row("state: trip detection, bytes per vehicle (" + vehicles + " vehicles)",
            stateBytes(trips, 55) / (double) vehicles, 0, "B/vehicle", none));
  }

  private static final int MINUTES = 58;

  /** The state after the batch that took the fixes of minute {@code minute}. */
  private static long stateBytes(StreamingQueryProgress[] progress, int minute) {
    return batch(progress, minute).stateOperators()[0].memoryUsedBytes();
  }

  private static double batchMs(StreamingQueryProgress[] progress, int minute) {
    return java.util.stream.IntStream.rangeClosed(minute - 2, minute + 2)
        .mapToLong(m -> batch(progress, m).durationMs().get("triggerExecution")).sorted().skip(2).findFirst()
        .orElseThrow();
  }

  /** Data batches in order: the source's first batch may be empty. */
  private static StreamingQueryProgress batch(StreamingQueryProgress[] progress, int minute) {
    return java.util.Arrays.stream(progress).filter(p -> p.numInputRows() > 0).skip(minute).findFirst()
        .orElseThrow(() -> new IllegalStateException("no batch for minute " + minute));
  }

  /**
   * Runs {@code rows} until all {@code sent} rows went in, in about {@code batches} batches (the
   * source's first may be empty); its progress reports.
   */
  private static StreamingQueryProgress[] run(Dataset<Row> rows, long sent, int batches) throws Exception {
    StreamingQuery query = rows.writeStream().format("noop")
        .option("checkpointLocation", Files.createTempDirectory("bench-state").toUri().toString()).start();
    try {
      while (read(query) < sent) {
        Thread.sleep(200);
        if (query.exception().isDefined()) {
          throw query.exception().get();
        }
        if (query.lastProgress() != null && query.lastProgress().batchId() > 4L * batches) {
          throw new IllegalStateException("the query never took " + sent + " rows: " + query.lastProgress().json());
        }
      }
      if (read(query) != sent) {
        throw new IllegalStateException(read(query) + " rows went in, not " + sent);
      }
      return query.recentProgress();
    } finally {
      query.stop();
    }
  }

  private static StreamingQueryProgress last(StreamingQueryProgress[] progress) {
    return progress[progress.length - 1];
  }

  private static long read(StreamingQuery query) {
    return java.util.Arrays.stream(query.recentProgress()).mapToLong(StreamingQueryProgress::numInputRows).sum();
  }

  /**
   * Runs {@link #BATCHES} batches of distinct ids through {@code dedup}.
   *
   * @return the state's bytes per id, and the median batch's duration (ms)
   */
  private static double[] measure(SparkSession spark, long ids, Function<Dataset<Row>, Dataset<Row>> dedup)
      throws Exception {
    Dataset<Row> events = spark.readStream().format("rate-micro-batch")
        .option("rowsPerBatch", ids / BATCHES).option("numPartitions", 2).option("advanceMillisPerBatch", 1000)
        // event times of today: an event time before the first watermark (1970) would count as late
        .option("startTimestamp", System.currentTimeMillis())
        .load()
        .withColumn("event_id", substring(sha2(col("value").cast("string"), 256), 1, 36))
        .withColumn("vehicle_id", concat(lit("v-"), (col("value").mod(2000)).cast("string")))
        // an hour of event times, as an hour of fixes spreads over the buckets of DEDUP_STATE buckets
        .withColumn("event_time", expr("timestamp - make_interval(0, 0, 0, 0, 0, 0, value % 3600)"))
        .withColumn("sequence_number", col("value").cast("string"))
        .withColumn(EventValidation.REASON, lit(null).cast(DataTypes.StringType))
        .drop("timestamp", "value");
    StreamingQueryProgress[] progress = run(dedup.apply(events), ids, BATCHES);
    // each id is a state row, or for DEDUP_STATE buckets a digest in one of 16 rows per 10 s of event time
    long[] batches = java.util.Arrays.stream(progress).filter(p -> p.numInputRows() > 0)
        .mapToLong(StreamingQueryProgress::batchDuration).sorted().toArray();
    return new double[] {last(progress).stateOperators()[0].memoryUsedBytes() / (double) ids,
        batches[batches.length / 2]};
  }
}
