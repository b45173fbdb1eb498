package com.fleetstream.bench;

import com.fleetstream.jobs.CombineJob;
import com.fleetstream.jobs.combine.FinalSummaries;
import com.fleetstream.jobs.combine.NearestPosition;
import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.runtime.SessionSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The combine job over a generated input of {@code rows} rows over 7 days in Delta tables shaped like
 * the streams' output: input rows/s, the final tables' file sizes, and a rerun after one more hour
 * of input, against the tutorial way of the same three outputs in the same run (everything
 * recomputed, {@code partitionBy("dt").parquet()}, Spark's default 200 shuffle partitions, no file
 * sizing).
 */
final class CombineBenchmark {
  private static final long DAYS = 7;
  private static final long START = 1772323200L; // 2026-03-01T00:00:00Z

  private CombineBenchmark() {}

  static List<Results.Row> run(SparkSession spark, long rows) throws IOException {
    Path dir = Files.createTempDirectory("bench-combine");
    String in = dir.resolve("in").toUri().toString();
    String baseline = dir.resolve("baseline").toUri().toString();
    generate(spark, in, rows, START, DAYS * 86_400, SaveMode.Overwrite);

    double ours = rows / seconds(() -> CombineJob.run(spark, config(dir, "20260308T000000Z")));
    double tutorial = rows / seconds(() -> tutorial(spark, in, baseline));
    Sizes mine = Sizes.of(dir.resolve("final"));
    Sizes theirs = Sizes.of(dir.resolve("baseline"));
    System.out.println("combine output files, ours: " + mine + "\ncombine output files, baseline: " + theirs);

    // the hourly trigger's usual case: one more hour of input, of the last day
    long hourRows = rows / (DAYS * 24);
    generate(spark, in, hourRows, START + DAYS * 86_400 - 3_600, 3_600, SaveMode.Append);
    double oursAgain = seconds(() -> CombineJob.run(spark, config(dir, "20260308T010000Z")));
    double tutorialAgain = seconds(() -> tutorial(spark, in, baseline));

    String label = String.format(Locale.ROOT, "combine: %,d rows -> 3 final tables", rows);
    String how = "all recomputed, partitionBy(dt).parquet(), 200 shuffle partitions";
    return List.of(new Results.Row(label, ours, tutorial, "rows/s", how),
        new Results.Row(String.format(Locale.ROOT, "combine: rerun after %,d new rows (lower is better)", hourRows),
            oursAgain, tutorialAgain, "s", how),
        new Results.Row("combine: output files", mine.files(), theirs.files(), "files", how),
        new Results.Row("combine: median output file", mine.medianKb(), theirs.medianKb(), "KB", how),
        new Results.Row("combine: smallest output file", mine.minKb(), theirs.minKb(), "KB", how),
        new Results.Row("combine: largest output file", mine.maxKb(), theirs.maxKb(), "KB", how));
  }

  private static CombineJobConfig config(Path dir, String runId) {
    return CombineJobConfig.parse("--INPUT_DELTA_PATH", dir.resolve("in").toUri().toString(),
        "--FINAL_PATH", dir.resolve("final").toUri().toString(), "--RUN_ID", runId);
  }

  /** The same three outputs the way tutorials write them. */
  private static void tutorial(SparkSession spark, String in, String out) {
    SessionSettings.with(spark, "spark.sql.shuffle.partitions", "200", () -> {
      tutorialOutputs(spark, in, out);
      return null;
    });
  }

  private static void tutorialOutputs(SparkSession spark, String in, String out) {
    CombineJobConfig defaults = CombineJobConfig.parse();
    Dataset<Row> fixes = spark.read().format("delta").load(in + "/location/events");
    Dataset<Row> readings = spark.read().format("delta").load(in + "/sensor/events");
    FinalSummaries.vehicleDaily(fixes, defaults.idleSpeedKmh())
        .write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(out + "/" + CombineJob.VEHICLE_DAILY);
    FinalSummaries.sensorHourly(readings)
        .write().mode(SaveMode.Overwrite).partitionBy("dt", "hour").parquet(out + "/" + CombineJob.SENSOR_HOURLY);
    NearestPosition.enrich(spark.read().format("delta").load(in + "/sensor/window_stats"), readings, fixes,
            defaults.positionTolerance())
        .write().mode(SaveMode.Overwrite).partitionBy("dt").parquet(out + "/" + CombineJob.ENRICHED);
  }

  private static double seconds(Runnable run) {
    long t0 = System.nanoTime();
    run.run();
    return PostgresSinkBenchmark.seconds(t0);
  }

  /**
   * {@code rows} input rows (60 % GPS fixes, 35 % sensor readings, 5 % sensor windows) spread evenly
   * over {@code span} seconds from {@code from}, into Delta tables partitioned by day and hour as the
   * streaming jobs' lake sink writes them.
   */
  private static void generate(SparkSession spark, String in, long rows, long from, long span, SaveMode mode) {
    long fixes = rows * 60 / 100;
    long readings = rows * 35 / 100;
    long windows = rows - fixes - readings;
    String id = "(id + " + from + " * 1000)"; // unique across calls with different start times
    write(spark.range(fixes).selectExpr(
        "concat('truck-', lpad(CAST(id % 500 AS STRING), 3, '0')) AS vehicle_id", "concat('f-', " + id + ") AS event_id",
        "timestamp_seconds(" + from + " + CAST(id * " + span + " / " + fixes + " AS BIGINT)) AS event_time",
        "48 + (id % 500) / 100.0 + rand(1) / 100 AS latitude", "2 + rand(2) / 100 AS longitude",
        "IF(id % 7 = 0, 0.0, rand(3) * 90) AS speed_kmh", "rand(4) * 360 AS heading",
        "CAST(NULL AS DOUBLE) AS altitude_m", "5.0 AS accuracy_m", "rand(5) * 100 AS fuel_level_pct",
        "'running' AS engine_status"), "event_time", in + "/location/events", mode);
    write(spark.range(readings).selectExpr(
        "concat('s-', id % 300) AS sensor_id", "concat('d-', id % 300) AS device_id",
        "IF(id % 300 < 250, concat('truck-', lpad(CAST(id % 250 AS STRING), 3, '0')), NULL) AS vehicle_id",
        "concat('r-', " + id + ") AS event_id",
        "timestamp_seconds(" + from + " + CAST(id * " + span + " / " + readings + " AS BIGINT)) AS event_time",
        "element_at(array('temperature', 'humidity', 'energy'), CAST(id % 3 AS INT) + 1) AS metric",
        "rand(6) * 40 AS value", "element_at(array('C', '%', 'kWh'), CAST(id % 3 AS INT) + 1) AS unit",
        "IF(id % 300 < 250, NULL, 53.5) AS latitude", "IF(id % 300 < 250, NULL, 10.0) AS longitude",
        "IF(id % 50 = 0, 'above', NULL) AS breach"), "event_time", in + "/sensor/events", mode);
    String windowStart = "timestamp_seconds(" + from + " + CAST(id * " + span + " / " + windows + " / 300 AS BIGINT) * 300";
    write(spark.range(windows).selectExpr(
        "concat('s-', id % 300) AS sensor_id", "concat('d-', id % 300) AS device_id",
        "element_at(array('temperature', 'humidity', 'energy'), CAST(id % 3 AS INT) + 1) AS metric",
        "element_at(array('C', '%', 'kWh'), CAST(id % 3 AS INT) + 1) AS unit",
        windowStart + ") AS window_start", windowStart + " + 300) AS window_end",
        "CAST(10 AS BIGINT) AS reading_count", "rand(7) * 10 AS min_value", "10 + rand(8) * 10 AS max_value",
        "5 + rand(9) * 10 AS avg_value", "CAST(id % 2 AS BIGINT) AS breach_count"),
        "window_start", in + "/sensor/window_stats", mode);
  }

  private static void write(Dataset<Row> rows, String time, String path, SaveMode mode) {
    rows.selectExpr("*", "date_format(" + time + ", 'yyyy-MM-dd') AS dt", "date_format(" + time + ", 'HH') AS hour")
        .write().format("delta").mode(mode).partitionBy("dt", "hour").save(path);
  }

  /** The Parquet data files under a directory (Delta logs and checkpoints aside). */
  record Sizes(long[] bytes) {
    static Sizes of(Path root) throws IOException {
      try (Stream<Path> files = Files.walk(root)) {
        return new Sizes(files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
            .filter(p -> !p.toString().contains("_delta_log"))
            .mapToLong(p -> {
              try {
                return Files.size(p);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }).sorted().toArray());
      }
    }

    double files() {
      return bytes.length;
    }

    double minKb() {
      return bytes.length == 0 ? 0 : bytes[0] / 1024.0;
    }

    double medianKb() {
      return bytes.length == 0 ? 0 : bytes[bytes.length / 2] / 1024.0;
    }

    double maxKb() {
      return bytes.length == 0 ? 0 : bytes[bytes.length - 1] / 1024.0;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d files, %.1f MB in all, min %.1f KB, median %.1f KB, max %.1f KB",
          bytes.length, Arrays.stream(bytes).sum() / 1048576.0, minKb(), medianKb(), maxKb());
    }
  }
}
