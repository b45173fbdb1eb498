package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.runtime.SessionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The combine job over small hand-made Delta inputs, with exact expected rows. */
class CombineJobIT {
  @TempDir
  Path dir;
  /** Where inputs and outputs live: the temp folder, or a prefix in S3Mock. */
  private String base;

  @org.junit.jupiter.api.BeforeEach
  void onTheFileSystem() {
    base = dir.toUri().toString();
  }

  private static final String FIXES = "vehicle_id STRING, event_id STRING, event_time TIMESTAMP, latitude DOUBLE,"
      + " longitude DOUBLE, speed_kmh DOUBLE";

  /** Rows into a streams' table, made as the streams make theirs: with the change data feed on. */
  private void append(String table, String columns, String values) {
    SparkSession spark = SparkTestSession.get();
    SessionSettings.with(spark, "spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true", () -> {
      appendRows(spark, table, columns, values);
      return null;
    });
  }

  private void appendRows(SparkSession spark, String table, String columns, String values) {
    spark.sql("SELECT * FROM VALUES " + values + " AS t(" + columns.replaceAll(" [A-Z]+", "") + ")")
        .selectExpr(schemaCasts(columns))
        .selectExpr("*", "date_format(" + (table.endsWith("window_stats") ? "window_start" : "event_time")
            + ", 'yyyy-MM-dd') AS dt", "date_format(" + (table.endsWith("window_stats") ? "window_start" : "event_time")
            + ", 'HH') AS hour")
        .write().format("delta").mode("append").partitionBy("dt", "hour").save(base + "/in/" + table);
  }

  private static String[] schemaCasts(String columns) {
    return java.util.Arrays.stream(columns.split(",")).map(String::trim)
        .map(c -> "CAST(" + c.split(" ")[0] + " AS " + c.split(" ")[1] + ") AS " + c.split(" ")[0])
        .toArray(String[]::new);
  }

  private CombineJobConfig config(String runId, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--JOB_NAME", "combine",
        "--INPUT_DELTA_PATH", base + "/in", "--FINAL_PATH", base + "/final",
        "--POSITION_TOLERANCE", "10 minutes", "--SHUFFLE_PARTITIONS", "2", "--RUN_ID", runId));
    args.addAll(List.of(extra));
    return CombineJobConfig.parse(args.toArray(String[]::new));
  }

  private Dataset<Row> output(String table) {
    return SparkTestSession.get().read().format("delta").load(base + "/final/" + table);
  }

  private void handMadeInput() {
    append("location/events", FIXES, """
        ('v1', 'f1', '2026-03-01 10:00:00', 53.00, 10.0, 0.0),
        ('v1', 'f2', '2026-03-01 10:05:00', 53.01, 10.0, 30.0),
        ('v1', 'f3', '2026-03-01 11:02:30', 53.10, 10.0, 60.0),
        ('v2', 'f4', '2026-03-01 11:02:29', 52.00, 13.0, 10.0)""");
    append("sensor/events", "sensor_id STRING, device_id STRING, vehicle_id STRING, event_id STRING,"
        + " event_time TIMESTAMP, metric STRING, value DOUBLE, unit STRING, latitude DOUBLE, longitude DOUBLE,"
        + " breach STRING", """
        ('t1', 'reefer-1', 'v1', 'r1', '2026-03-01 10:01:00', 'temperature', 4.0, 'C', NULL, NULL, NULL),
        ('t1', 'reefer-1', 'v1', 'r2', '2026-03-01 10:03:00', 'temperature', 40.0, 'C', NULL, NULL, 'above'),
        ('t1', 'reefer-1', 'v1', 'r3', '2026-03-01 11:11:00', 'temperature', 6.0, 'C', NULL, NULL, NULL),
        ('t2', 'reefer-2', 'v2', 'r4', '2026-03-01 11:12:00', 'temperature', 5.0, 'C', NULL, NULL, NULL),
        ('t3', 'reefer-3', 'v3', 'r5', '2026-03-01 10:02:00', 'temperature', 5.0, 'C', NULL, NULL, NULL),
        ('w1', 'warehouse-1', NULL, 'r6', '2026-03-01 10:02:00', 'humidity', 50.0, '%', 53.55, 9.99, NULL)""");
    append("sensor/window_stats", "sensor_id STRING, device_id STRING, metric STRING, unit STRING,"
        + " window_start TIMESTAMP, window_end TIMESTAMP, reading_count BIGINT, min_value DOUBLE, max_value DOUBLE,"
        + " avg_value DOUBLE, breach_count BIGINT", """
        ('t1', 'reefer-1', 'temperature', 'C', '2026-03-01 10:00:00', '2026-03-01 10:05:00', 1, 4.0, 4.0, 4.0, 1),
        ('t1', 'reefer-1', 'temperature', 'C', '2026-03-01 11:10:00', '2026-03-01 11:15:00', 1, 6.0, 6.0, 6.0, 0),
        ('t2', 'reefer-2', 'temperature', 'C', '2026-03-01 11:10:00', '2026-03-01 11:15:00', 1, 5.0, 5.0, 5.0, 0),
        ('t3', 'reefer-3', 'temperature', 'C', '2026-03-01 10:00:00', '2026-03-01 10:05:00', 1, 5.0, 5.0, 5.0, 0),
        ('w1', 'warehouse-1', 'humidity', '%', '2026-03-01 10:00:00', '2026-03-01 10:05:00', 1, 50.0, 50.0, 50.0, 0)""");
  }

  private static final String[] ENRICHED_ROWS = {
      "[t1,2026-03-01 10:00:00,53.0,10.0,2026-03-01 10:00:00,vehicle_fix,-150.0]",
      "[t1,2026-03-01 11:10:00,53.1,10.0,2026-03-01 11:02:30,vehicle_fix,-600.0]",
      "[t2,2026-03-01 11:10:00,null,null,null,none,null]",
      "[t3,2026-03-01 10:00:00,null,null,null,none,null]",
      "[w1,2026-03-01 10:00:00,53.55,9.99,null,sensor,null]"};

  private List<String> enriched() {
    return output(CombineJob.ENRICHED).orderBy("sensor_id", "window_start")
        .selectExpr("sensor_id", "CAST(window_start AS STRING)", "latitude", "longitude",
            "CAST(position_time AS STRING)", "position_source", "position_lag_seconds").collectAsList()
        .stream().map(Row::toString).toList();
  }

  @Test
  void runsTheSameOnS3() {
    base = TestS3.base();
    handMadeInput();
    long eventsVersion = io.delta.tables.DeltaTable.forPath(SparkTestSession.get(), base + "/in/location/events")
        .history(1).first().getLong(0);
    Optional<String> manifest = CombineJob.run(SparkTestSession.get(), config("20260302T010000Z"));
    // the streams' tables are read, never written: a second driver's commit could overwrite a stream's
    assertThat(io.delta.tables.DeltaTable.forPath(SparkTestSession.get(), base + "/in/location/events")
        .history(1).first().getLong(0)).isEqualTo(eventsVersion);
    assertThat(manifest).contains(base + "/final/_manifests/20260302T010000Z.json");
    assertThat(enriched()).containsExactly(ENRICHED_ROWS);
    assertThat(output(CombineJob.VEHICLE_DAILY).count()).isEqualTo(2);
    assertThat(CombineJob.run(SparkTestSession.get(), config("20260302T020000Z"))).isEmpty();
  }

  @Test
  void combinesHandMadeInputExactlyAndIncrementally() throws Exception {
    handMadeInput();
    Optional<String> first = CombineJob.run(SparkTestSession.get(), config("20260302T010000Z"));
    assertThat(first).isPresent();

    // as-of join edges: tie -> earlier fix; exactly at the tolerance -> matched; 1 s outside -> none
    assertThat(enriched()).containsExactly(ENRICHED_ROWS);

    List<Row> daily = output(CombineJob.VEHICLE_DAILY).orderBy("vehicle_id").collectAsList();
    assertThat(daily).extracting(r -> r.getAs("vehicle_id") + "@" + r.getAs("dt") + " fixes=" + r.getAs("fix_count")
        + " idle=" + r.getAs("idle_minutes") + " driving=" + r.getAs("driving_minutes") + " max=" + r.getAs("max_speed_kmh"))
        .containsExactly("v1@2026-03-01 fixes=3 idle=5.0 driving=57.5 max=60.0",
            "v2@2026-03-01 fixes=1 idle=0.0 driving=0.0 max=10.0");
    assertThat(daily.get(0).<Double>getAs("distance_km")).isCloseTo(
        GreatCircle.haversineKm(53.00, 10.0, 53.01, 10.0) + GreatCircle.haversineKm(53.01, 10.0, 53.10, 10.0), within(1e-9));

    assertThat(output(CombineJob.SENSOR_HOURLY).orderBy("sensor_id", "hour").selectExpr("sensor_id", "dt", "hour",
        "reading_count", "max_value", "breach_count").collectAsList()).map(Row::toString).containsExactly(
            "[t1,2026-03-01,10,1,4.0,1]", "[t1,2026-03-01,11,1,6.0,0]", "[t2,2026-03-01,11,1,5.0,0]",
            "[t3,2026-03-01,10,1,5.0,0]", "[w1,2026-03-01,10,1,50.0,0]");

    JsonNode manifest = new ObjectMapper().readTree(Files.readString(dir.resolve("final/_manifests/20260302T010000Z.json")));
    assertThat(manifest.get("unmatched_positions").asLong()).isEqualTo(2);
    assertThat(manifest.get("tables")).extracting(t -> t.get("name").asText() + ":"
        + t.get("partitions").get(0).get("dt").asText() + ":" + t.get("partitions").get(0).get("rows").asLong())
        .containsExactly("vehicle_daily_summary:2026-03-01:2", "sensor_hourly_summary:2026-03-01:5",
            "location_sensor_enriched:2026-03-01:5");

    // nothing new: nothing written, no manifest
    assertThat(CombineJob.run(SparkTestSession.get(), config("20260302T020000Z"))).isEmpty();
    assertThat(dir.resolve("final/_manifests/20260302T020000Z.json")).doesNotExist();

    // a fix on a new day: only that day of the daily summary is rewritten
    List<Path> day1Files = files("final/" + CombineJob.VEHICLE_DAILY + "/dt=2026-03-01");
    append("location/events", FIXES, "('v1', 'f9', '2026-03-02 08:00:00', 53.2, 10.0, 20.0)");
    assertThat(CombineJob.run(SparkTestSession.get(), config("20260302T030000Z"))).isPresent();
    assertThat(files("final/" + CombineJob.VEHICLE_DAILY + "/dt=2026-03-01")).isEqualTo(day1Files);
    assertThat(output(CombineJob.VEHICLE_DAILY).count()).isEqualTo(3);
    JsonNode third = new ObjectMapper().readTree(Files.readString(dir.resolve("final/_manifests/20260302T030000Z.json")));
    assertThat(third.get("tables").get(0).get("partitions")).extracting(p -> p.get("dt").asText())
        .containsExactly("2026-03-02");
    assertThat(third.get("tables").get(1).get("partitions")).isEmpty();

    // the events table deleted and made again: its versions count from 0 again, below the last run's
    FileUtils.deleteDirectory(dir.resolve("in/location/events").toFile());
    append("location/events", FIXES, "('v3', 'f10', '2026-03-03 09:00:00', 53.3, 10.0, 25.0)");
    assertThat(CombineJob.run(SparkTestSession.get(), config("20260302T040000Z"))).isPresent();
    assertThat(output(CombineJob.VEHICLE_DAILY).orderBy("dt", "vehicle_id").selectExpr("vehicle_id", "dt", "fix_count")
        .collectAsList()).map(Row::toString).containsExactly("[v1,2026-03-01,3]", "[v2,2026-03-01,1]",
            "[v1,2026-03-02,1]", "[v3,2026-03-03,1]");
  }

  /** Three days of fixes and MAX_DAYS_PER_RUN 2: the oldest two, then the third, then nothing. */
  @Test
  void aRunThatFellBehindWritesItsOldestDaysAndLeavesTheRestToTheNextRun() throws Exception {
    append("location/events", FIXES, """
        ('v1', 'f1', '2026-03-03 10:00:00', 53.00, 10.0, 0.0),
        ('v1', 'f2', '2026-03-01 10:00:00', 53.00, 10.0, 0.0),
        ('v2', 'f3', '2026-03-02 10:00:00', 52.00, 13.0, 10.0)""");
    assertThat(CombineJob.run(SparkTestSession.get(), config("20260304T010000Z", "--MAX_DAYS_PER_RUN", "2")))
        .isPresent();
    assertThat(dailyDays()).containsExactly("2026-03-01", "2026-03-02");
    JsonNode first = new ObjectMapper().readTree(
        Files.readString(dir.resolve("final/_manifests/20260304T010000Z.json")));
    assertThat(first.get("pending_days").toString()).isEqualTo("{\"vehicle_daily_summary\":[\"2026-03-03\"]}");

    assertThat(CombineJob.run(SparkTestSession.get(), config("20260304T020000Z", "--MAX_DAYS_PER_RUN", "2")))
        .isPresent();
    assertThat(dailyDays()).containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
    assertThat(CombineJob.run(SparkTestSession.get(), config("20260304T030000Z", "--MAX_DAYS_PER_RUN", "2")))
        .isEmpty();
  }

  private List<String> dailyDays() {
    return output(CombineJob.VEHICLE_DAILY).select("dt").distinct().orderBy("dt").as(Encoders.STRING()).collectAsList();
  }

  @Test
  void outputFilesAreCutAtTheTargetSize() throws Exception {
    SparkSession spark = SparkTestSession.get();
    spark.range(0, 40_000).selectExpr("concat('v', id % 20000) AS vehicle_id", "uuid() AS event_id",
            "timestamp_seconds(1772323200 + id) AS event_time", "50 + rand(1) AS latitude", "10 + rand(2) AS longitude",
            "rand(3) * 100 AS speed_kmh")
        .selectExpr("*", "date_format(event_time, 'yyyy-MM-dd') AS dt", "date_format(event_time, 'HH') AS hour")
        .write().format("delta").partitionBy("dt", "hour").save(dir.resolve("in/location/events").toString());
    append("sensor/events", "sensor_id STRING, device_id STRING, vehicle_id STRING, event_id STRING,"
        + " event_time TIMESTAMP, metric STRING, value DOUBLE, unit STRING, latitude DOUBLE, longitude DOUBLE,"
        + " breach STRING", "('w1', 'warehouse-1', NULL, 'r6', '2026-03-01 10:02:00', 'humidity', 50.0, '%', 53.5, 9.9, NULL)");
    append("sensor/window_stats", "sensor_id STRING, device_id STRING, metric STRING, unit STRING,"
        + " window_start TIMESTAMP, window_end TIMESTAMP, reading_count BIGINT, min_value DOUBLE, max_value DOUBLE,"
        + " avg_value DOUBLE, breach_count BIGINT",
        "('w1', 'warehouse-1', 'humidity', '%', '2026-03-01 10:00:00', '2026-03-01 10:05:00', 1, 50.0, 50.0, 50.0, 0)");

    long target = 256 << 10;
    CombineJob.run(spark, config("20260302T010000Z", "--TARGET_FILE_SIZE", "256KB"));

    List<Long> sizes = files("final/" + CombineJob.VEHICLE_DAILY + "/dt=2026-03-01").stream()
        .map(p -> p.toFile().length()).sorted().toList();
    assertThat(sizes).hasSizeGreaterThan(2);
    assertThat(sizes).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(target * 3 / 2));
    assertThat(sizes.subList(1, sizes.size())).allSatisfy(s -> assertThat(s).isGreaterThanOrEqualTo(target / 2));
  }

  private List<Path> files(String relative) throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve(relative))) {
      return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
  }
}
