package com.fleetstream.bench;

import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.config.Thresholds;
import com.fleetstream.jobs.runtime.SessionSettings;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.transform.EventValidation;
import com.fleetstream.jobs.transform.KinesisRecords;
import com.fleetstream.jobs.transform.LocationEvents;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.jobs.transform.Quarantine;
import com.fleetstream.jobs.transform.SensorEvents;
import com.fleetstream.jobs.transform.SensorWindowStats;
import com.fleetstream.jobs.transform.ThresholdBreaches;
import com.fleetstream.jobs.transform.VehicleWindowStats;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Events/s through parse -> validate -> dedup -> (thresholds) -> windows for 1M generated records,
 * from a pre-generated input (no emulator), three outputs per batch like a job's sinks. Ours parses
 * once and persists the batch, as the jobs' foreachBatch does, with the jobs' session settings
 * ({@link SparkSessions#settings}); the baseline is the tutorial way: every output re-reads and
 * re-parses the input, Spark's default 200 shuffle partitions.
 */
final class TransformBenchmark {
  private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";

  /** The generated events are dated March 2026: none may be quarantined as too old. */
  private static final java.time.Duration MAX_EVENT_AGE = java.time.Duration.ofDays(3650);

  private TransformBenchmark() {}

  static Results.Row gps(SparkSession spark, long n) {
    input(spark, n, "to_json(named_struct('vehicle_id', concat('truck-', id % 1000),"
        + " 'event_id', concat('e-', id % " + (n - n / 50) + "), 'timestamp', date_format(timestamp_seconds(1772323200"
        + " + CAST(id / 1000 AS BIGINT)), \"yyyy-MM-dd'T'HH:mm:ss'Z'\"), 'latitude', 48 + rand(1),"
        + " 'longitude', 2 + rand(2), 'speed_kmh', rand(3) * 90, 'heading', rand(4) * 360))");
    return compare(spark, n, "transform: 1M GPS events, 3 outputs", raw -> LocationEvents.parse(raw, MAX_EVENT_AGE),
        valid -> VehicleWindowStats.aggregate(valid, SparkDuration.parse("1 hour"), 1.0));
  }

  static Results.Row sensors(SparkSession spark, long n) {
    Thresholds thresholds = Thresholds.parse(Thresholds.DEFAULT);
    input(spark, n, "to_json(named_struct('sensor_id', concat('s-', id % 200), 'device_id', concat('d-', id % 200),"
        + " 'event_id', concat('r-', id % " + (n - n / 50) + "), 'timestamp', date_format(timestamp_seconds(1772323200"
        + " + CAST(id / 200 AS BIGINT)), \"yyyy-MM-dd'T'HH:mm:ss'Z'\"), 'metric', 'temperature',"
        + " 'value', rand(1) * 40 - 5, 'unit', 'C'))");
    return compare(spark, n, "transform: 1M sensor readings, 3 outputs", raw -> SensorEvents.parse(raw, MAX_EVENT_AGE),
        valid -> SensorWindowStats.aggregate(ThresholdBreaches.flag(valid, thresholds), SparkDuration.parse("5 minutes")));
  }

  /**
   * Registers the generated Kinesis-shaped input as the cached view {@code bench_input}, and a tenth
   * of it as {@code bench_warm_up}.
   */
  private static void input(SparkSession spark, long n, String payload) {
    for (var view : java.util.Map.of("bench_input", n, "bench_warm_up", n / 10).entrySet()) {
      Dataset<Row> input = spark.range(view.getValue()).selectExpr("CAST(" + payload + " AS BINARY) AS data",
          "'bench' AS streamName", "CAST(id % 4 AS STRING) AS partitionKey", "CAST(id AS STRING) AS sequenceNumber",
          "timestamp_seconds(1772323200 + CAST(id / 1000 AS BIGINT) + 2) AS approximateArrivalTimestamp")
          .repartition(4).persist(StorageLevel.MEMORY_ONLY());
      input.count();
      input.createOrReplaceTempView(view.getKey());
    }
  }

  private static Results.Row compare(SparkSession spark, long n, String name,
      Function<Dataset<Row>, Dataset<Row>> parse, Function<Dataset<Row>, Dataset<Row>> windows) {
    // Both sides run once on the warm-up input first: the JIT compiling Spark's and our code belongs
    // to neither, and whichever side ran first would otherwise pay for it.
    double[] seconds = new double[2];
    for (String view : new String[] {"bench_warm_up", "bench_input"}) {
      seconds[0] = SessionSettings.with(spark, SparkSessions.settings(8), () -> { // the jobs' defaults
        long t0 = System.nanoTime();
        Dataset<Row> parsed = parse.apply(KinesisRecords.decode(spark.table(view)))
            .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> events = dedup(EventValidation.valid(parsed)).persist(StorageLevel.MEMORY_AND_DISK());
        write(Quarantine.records(parsed));
        write(Partitioning.byHourOf(events, "event_time"));
        write(windows.apply(events));
        events.unpersist();
        parsed.unpersist();
        return PostgresSinkBenchmark.seconds(t0);
      });
      // Spark's defaults but for constraint propagation, without which the re-parsed plans take
      // minutes to plan and run out of memory (SparkSessions.PLANNING)
      Map<String, String> baseline = new java.util.HashMap<>(SparkSessions.PLANNING);
      baseline.put(SHUFFLE_PARTITIONS, "200");
      seconds[1] = SessionSettings.with(spark, baseline, () -> {
        long t1 = System.nanoTime();
        write(Quarantine.records(parse.apply(KinesisRecords.decode(spark.table(view)))));
        write(Partitioning.byHourOf(dedup(EventValidation.valid(
            parse.apply(KinesisRecords.decode(spark.table(view))))), "event_time"));
        write(windows.apply(dedup(EventValidation.valid(parse.apply(KinesisRecords.decode(spark.table(view)))))));
        return PostgresSinkBenchmark.seconds(t1);
      });
      spark.catalog().uncacheTable(view);
    }
    return new Results.Row(name, n / seconds[0], n / seconds[1], "events/s",
        "each output re-parses the input, 200 shuffle partitions");
  }

  /** What the jobs' dropDuplicatesWithinWatermark does within one batch; a batch DataFrame has no watermark. */
  private static Dataset<Row> dedup(Dataset<Row> events) {
    return events.dropDuplicates("event_id");
  }

  private static void write(Dataset<Row> rows) {
    rows.write().format("noop").mode("overwrite").save();
  }
}
