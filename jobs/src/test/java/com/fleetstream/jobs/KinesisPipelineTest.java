package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fleetstream.crawlers.LocalCatalog;
import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.config.Thresholds;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.jobs.sink.postgres.PgConnectionSpec;
import com.fleetstream.jobs.sink.postgres.SqlScript;
import com.fleetstream.simulator.Geo;
import com.fleetstream.simulator.GpsFix;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import com.fleetstream.simulator.SensorReading;
import com.fleetstream.simulator.Simulation;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulator -> kinesalite -> both streaming jobs -> Parquet, checked against an independent
 * computation over the simulated events. Each job runs twice over the same checkpoint: the second
 * run must read only what was sent after the first, and close the windows the first left open.
 */
class KinesisPipelineTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration PHASE = Duration.ofMinutes(30);
  private static final Duration WINDOW_WATERMARK = Duration.ofMinutes(1);

  @RegisterExtension
  static final StreamServers servers = new StreamServers("pipeline_test");

  @TempDir
  static Path work;

  private static SimulatorConfig phase(int n, String locations, String sensors) {
    return TestJobArgs.simulation(servers.kinesis(), locations, sensors, START.plus(PHASE.multipliedBy(n)), PHASE, 100 + n);
  }

  private static String[] jobArgs(String stream, String window) {
    return TestJobArgs.streaming(servers.kinesis(), stream, window, work, servers.db()).toArray(String[]::new);
  }

  @Test
  void bothJobsMatchAnIndependentComputationAndResumeFromTheirCheckpoints() throws SQLException {
    servers.kinesis().createStream("it-locations", 2);
    servers.kinesis().createStream("it-sensors", 1);
    SparkSession spark = SparkTestSession.get();
    List<OutgoingRecord> sent = new ArrayList<>();
    List<Long> locationReadPerRun = new ArrayList<>();
    List<Long> sensorReadPerRun = new ArrayList<>();

    for (int run = 0; run < 2; run++) {
      SimulatorConfig sim = phase(run, "it-locations", "it-sensors");
      sent.addAll(Simulation.records(sim));
      Simulator.send(sim, servers.kinesis().client());
      locationReadPerRun.add(read(LocationStreamingJob.run(spark,
          LocationJobConfig.parse(jobArgs("it-locations", "10 minutes")))));
      sensorReadPerRun.add(read(SensorStreamingJob.run(spark,
          SensorJobConfig.parse(jobArgs("it-sensors", "5 minutes")))));
    }

    // each run read only what was sent since the previous one
    assertThat(locationReadPerRun.get(0) + locationReadPerRun.get(1))
        .isEqualTo(sent.stream().filter(r -> r.stream() == Stream.LOCATION).count());
    assertThat(locationReadPerRun.get(1)).isEqualTo(sent.stream()
        .filter(r -> r.stream() == Stream.LOCATION && time(r).compareTo(START.plus(PHASE)) >= 0).count());
    assertThat(sensorReadPerRun.get(0) + sensorReadPerRun.get(1))
        .isEqualTo(sent.stream().filter(r -> r.stream() == Stream.SENSOR).count());

    assertLocationOutputs(spark, sent);
    assertSensorOutputs(spark, sent);
    String out = work.resolve("out").toUri().toString();
    SinkContents sinks = new SinkContents(spark, out, out + "/delta", servers.db());
    sinks.assertSinksAgree("location");
    sinks.assertSinksAgree("sensor");
    sinks.assertLedgerHoldsEachBatchOnce("location", "sensor");
    assertAnalystQueries(sinks, sent);

    // the combine job over what the streams wrote, cataloged as the crawlers would, queried as in Athena
    String finalPath = work.resolve("final").toUri().toString();
    assertThat(CombineJob.run(spark, CombineJobConfig.parse("--INPUT_DELTA_PATH", out + "/delta",
        "--FINAL_PATH", finalPath, "--SHUFFLE_PARTITIONS", "2"))).isPresent();
    LocalCatalog.register(spark, Map.of("curated", out, "final", finalPath));
    new AthenaQueriesCheck(spark,
        sent.stream().filter(r -> r.kind() == Kind.VALID && r.event() instanceof GpsFix).map(r -> (GpsFix) r.event())
            .toList(),
        sent.stream().filter(r -> r.kind() == Kind.VALID && r.event() instanceof SensorReading)
            .map(r -> (SensorReading) r.event()).toList(),
        Thresholds.parse(Thresholds.DEFAULT)).assertAll();
  }

  private static long read(StreamingQueries job) {
    return java.util.Arrays.stream(job.query("events").recentProgress())
        .mapToLong(org.apache.spark.sql.streaming.StreamingQueryProgress::numInputRows).sum();
  }

  private static Instant time(OutgoingRecord r) {
    return r.event() instanceof GpsFix f ? f.timestamp() : ((SensorReading) r.event()).timestamp();
  }

  private void assertLocationOutputs(SparkSession spark, List<OutgoingRecord> sent) {
    String out = work.resolve("out/location").toUri().toString();
    List<OutgoingRecord> location = sent.stream().filter(r -> r.stream() == Stream.LOCATION).toList();
    List<GpsFix> valid = location.stream().filter(r -> r.kind() == Kind.VALID).map(r -> (GpsFix) r.event()).toList();

    Map<String, Long> expectedReasons = location.stream().filter(r -> r.kind() == Kind.MALFORMED)
        .collect(Collectors.groupingBy(OutgoingRecord::expectedReason, TreeMap::new, Collectors.counting()));
    assertThat(expectedReasons).isNotEmpty();
    assertThat(countBy(spark.read().parquet(out + "/quarantine"), "reason")).isEqualTo(expectedReasons);

    Dataset<Row> events = spark.read().parquet(out + "/events");
    assertThat(events.count()).isEqualTo(valid.size());
    assertThat(events.select("event_id").distinct().count()).isEqualTo(valid.size());
    assertThat(location.stream().filter(r -> r.kind() == Kind.DUPLICATE).count()).isPositive();

    // windows whose end the final watermark has passed, computed here without Spark
    Instant watermark = valid.stream().map(GpsFix::timestamp).max(Comparator.naturalOrder()).orElseThrow()
        .minus(WINDOW_WATERMARK);
    Map<String, List<GpsFix>> byWindow = valid.stream()
        .filter(f -> windowStart(f.timestamp(), 600).plusSeconds(600).compareTo(watermark) <= 0)
        .collect(Collectors.groupingBy(f -> f.vehicleId() + "@" + windowStart(f.timestamp(), 600),
            TreeMap::new, Collectors.toList()));
    Map<String, Row> actual = spark.read().parquet(out + "/window_stats").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("vehicle_id") + "@" + ((java.sql.Timestamp) r.getAs("window_start"))
            .toInstant(), Function.identity()));
    assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(byWindow.keySet());
    assertThat(byWindow).hasSize(5 * 5);
    byWindow.forEach((key, fixes) -> {
      List<GpsFix> track = fixes.stream().sorted(Comparator.comparing(GpsFix::timestamp)).toList();
      double km = 0;
      double idleMinutes = 0;
      for (int i = 1; i < track.size(); i++) {
        GpsFix a = track.get(i - 1);
        GpsFix b = track.get(i);
        km += Geo.haversineKm(a.latitude(), a.longitude(), b.latitude(), b.longitude());
        if (a.speedKmh() < 1.0) {
          idleMinutes += Duration.between(a.timestamp(), b.timestamp()).toMillis() / 60_000.0;
        }
      }
      Row row = actual.get(key);
      assertThat(row.<Long>getAs("fix_count")).as(key).isEqualTo(track.size());
      assertThat(row.<Double>getAs("distance_km")).as(key).isCloseTo(km, within(1e-6));
      assertThat(row.<Double>getAs("idle_minutes")).as(key).isCloseTo(idleMinutes, within(1e-9));
      assertThat(row.<Double>getAs("max_speed_kmh")).as(key)
          .isEqualTo(track.stream().mapToDouble(GpsFix::speedKmh).max().orElseThrow());
      assertThat(row.<Double>getAs("last_latitude")).as(key).isEqualTo(track.get(track.size() - 1).latitude());
    });
  }

  private void assertSensorOutputs(SparkSession spark, List<OutgoingRecord> sent) {
    String out = work.resolve("out/sensor").toUri().toString();
    List<OutgoingRecord> sensor = sent.stream().filter(r -> r.stream() == Stream.SENSOR).toList();
    List<SensorReading> valid = sensor.stream().filter(r -> r.kind() == Kind.VALID)
        .map(r -> (SensorReading) r.event()).toList();
    Thresholds thresholds = Thresholds.parse(Thresholds.DEFAULT);

    assertThat(spark.read().parquet(out + "/quarantine").count())
        .isEqualTo(sensor.stream().filter(r -> r.kind() == Kind.MALFORMED).count());
    assertThat(spark.read().parquet(out + "/events").count()).isEqualTo(valid.size());
    List<SensorReading> breaches = valid.stream().filter(r -> breach(thresholds, r)).toList();
    assertThat(breaches).isNotEmpty();
    assertThat(spark.read().parquet(out + "/breaches").select("event_id").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrderElementsOf(breaches.stream().map(SensorReading::eventId).toList());

    Instant watermark = valid.stream().map(SensorReading::timestamp).max(Comparator.naturalOrder()).orElseThrow()
        .minus(WINDOW_WATERMARK);
    Map<String, List<SensorReading>> byWindow = valid.stream()
        .filter(r -> windowStart(r.timestamp(), 300).plusSeconds(300).compareTo(watermark) <= 0)
        .collect(Collectors.groupingBy(r -> r.sensorId() + "@" + windowStart(r.timestamp(), 300)));
    Map<String, Row> actual = spark.read().parquet(out + "/window_stats").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("sensor_id") + "@" + ((java.sql.Timestamp) r.getAs("window_start"))
            .toInstant(), Function.identity()));
    assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(byWindow.keySet());
    byWindow.forEach((key, readings) -> {
      Row row = actual.get(key);
      List<Double> within = readings.stream().filter(r -> !breach(thresholds, r)).map(SensorReading::value).toList();
      assertThat(row.<Long>getAs("reading_count")).as(key).isEqualTo(within.size());
      assertThat(row.<Long>getAs("breach_count")).as(key).isEqualTo(readings.size() - within.size());
      if (!within.isEmpty()) {
        assertThat(row.<Double>getAs("max_value")).as(key).isEqualTo(within.stream().max(Double::compare).get());
        assertThat(row.<Double>getAs("avg_value")).as(key)
            .isCloseTo(within.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), within(1e-9));
      }
    });
  }

  /** Each query in sql/postgres/queries, run as an analyst, against what was sent. */
  private static void assertAnalystQueries(SinkContents sinks, List<OutgoingRecord> sent) throws SQLException {
    List<GpsFix> fixes = sent.stream().filter(r -> r.kind() == Kind.VALID && r.event() instanceof GpsFix)
        .map(r -> (GpsFix) r.event()).toList();
    try (Connection admin = servers.db().open(); Statement s = admin.createStatement()) {
      s.execute("DROP ROLE IF EXISTS alice");
      s.execute("CREATE ROLE alice LOGIN IN ROLE analyst");
    }
    PgConnectionSpec alice = new PgConnectionSpec(servers.db().jdbcUrl(), "alice", null);
    Comparator<GpsFix> newest = Comparator.comparing(GpsFix::timestamp).thenComparing(GpsFix::eventId);
    Instant from = START.plus(Duration.ofMinutes(20));
    Instant to = START.plus(Duration.ofMinutes(40));

    try (Connection c = alice.open()) {
      for (String vehicle : List.of("truck-001", "truck-005")) {
        GpsFix latest = fixes.stream().filter(f -> f.vehicleId().equals(vehicle)).max(newest).orElseThrow();
        assertThat(query(c, "latest_position", vehicle)).containsExactly(List.of(vehicle,
            Timestamp.from(latest.timestamp()), latest.latitude(), latest.longitude(), latest.speedKmh(),
            latest.heading(), latest.engineStatus()));

        assertThat(query(c, "position_history", vehicle, Timestamp.from(from), Timestamp.from(to)))
            .extracting(r -> r.get(1))
            .containsExactlyElementsOf(fixes.stream().filter(f -> f.vehicleId().equals(vehicle)
                && !f.timestamp().isBefore(from) && f.timestamp().isBefore(to)).sorted(newest)
                .map(GpsFix::eventId).toList());
      }

      Map<String, Double> idleByVehicle = new TreeMap<>();
      for (Row w : sinks.parquet("location", "window_stats").collectAsList()) {
        idleByVehicle.merge(w.getAs("vehicle_id"), w.<Double>getAs("idle_minutes"), Double::sum);
      }
      List<String> topIdle = idleByVehicle.entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(2).map(Map.Entry::getKey).toList();
      assertThat(query(c, "top_idle_vehicles", 2)).extracting(r -> r.get(1)).containsExactlyElementsOf(topIdle);

      Thresholds thresholds = Thresholds.parse(Thresholds.DEFAULT);
      Map<String, Long> breachesPerHour = sent.stream()
          .filter(r -> r.kind() == Kind.VALID && r.event() instanceof SensorReading)
          .map(r -> (SensorReading) r.event()).filter(r -> breach(thresholds, r))
          .collect(Collectors.groupingBy(r -> r.timestamp().truncatedTo(java.time.temporal.ChronoUnit.HOURS) + " "
              + r.sensorId() + " " + r.metric(), TreeMap::new, Collectors.counting()));
      Map<String, Long> actual = new TreeMap<>();
      for (List<Object> row : query(c, "sensor_breaches_per_hour", Timestamp.from(START),
          Timestamp.from(START.plus(Duration.ofDays(1))))) {
        actual.merge(((Timestamp) row.get(0)).toLocalDateTime().toInstant(java.time.ZoneOffset.UTC) + " " + row.get(1)
            + " " + row.get(2), ((Number) row.get(4)).longValue(), Long::sum);
      }
      assertThat(actual).isEqualTo(breachesPerHour);

      // read-only, and only the reporting tables
      assertThatThrownBy(() -> c.createStatement().execute("DELETE FROM fleet.vehicle_position_latest"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT * FROM fleet.batch_ledger"))
          .hasMessageContaining("permission denied");
    }
  }

  private static List<List<Object>> query(Connection c, String name, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        SqlScript.load("sql/postgres/queries/" + name + ".sql").single())) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return TestPostgres.rows(rs);
      }
    }
  }

  /** The thresholds' rule, computed without Spark: the expectation the jobs are checked against. */
  static boolean breach(Thresholds thresholds, SensorReading r) {
    Thresholds.Range range = thresholds.byMetric().get(r.metric());
    return range != null && (range.max() != null && r.value() > range.max()
        || range.min() != null && r.value() < range.min());
  }

  private static Instant windowStart(Instant t, long seconds) {
    return Instant.ofEpochSecond(t.getEpochSecond() - Math.floorMod(t.getEpochSecond(), seconds));
  }

  private static Map<String, Long> countBy(Dataset<Row> rows, String column) {
    return rows.groupBy(column).count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1), (a, b) -> a, TreeMap::new));
  }
}
