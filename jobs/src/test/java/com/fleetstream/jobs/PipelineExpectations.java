package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.config.Thresholds;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.simulator.GpsFix;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import com.fleetstream.simulator.SensorReading;
import com.fleetstream.sql.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the streaming jobs must have written for the records a test sent, computed here without Spark:
 * exact quarantine reasons, events, windows and breaches per sink, and the analyst queries' rows. The
 * jobs must run with {@link #LOCATION_WINDOW}, {@link #SENSOR_WINDOW} and {@link #WINDOW_WATERMARK}.
 * KinesisPipelineIT checks the jobs on the build's classpath with it, the deploy tests the shipped jar.
 */
public final class PipelineExpectations {
  public static final String LOCATION_WINDOW = "10 minutes";
  public static final String SENSOR_WINDOW = "5 minutes";
  public static final Duration WINDOW_WATERMARK = Duration.ofMinutes(1);

  private final SparkSession spark;
  private final String outputRoot;
  private final PgConnectionSpec db;
  private final List<OutgoingRecord> sent;
  private final Instant start;

  /**
   * @param outputRoot the jobs' OUTPUT_PATH, as this JVM's Spark reads it
   * @param start the simulation's start: the analyst queries ask for its first hour
   */
  public PipelineExpectations(SparkSession spark, String outputRoot, PgConnectionSpec db, List<OutgoingRecord> sent,
      Instant start) {
    this.spark = spark;
    this.outputRoot = outputRoot;
    this.db = db;
    this.sent = sent;
    this.start = start;
  }

  /** Quarantine reasons, events and every closed window of the location job, against an independent computation. */
  public void assertLocationOutputs() {
    String out = outputRoot + "/location";
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

    // windows whose end their vehicle's clock (its latest fix, less WINDOW_WATERMARK) has passed,
    // computed here without Spark
    Map<String, Instant> clocks = valid.stream().collect(Collectors.toMap(GpsFix::vehicleId,
        f -> f.timestamp().minus(WINDOW_WATERMARK), (a, b) -> a.isAfter(b) ? a : b));
    Map<String, List<GpsFix>> byWindow = valid.stream()
        .filter(f -> windowStart(f.timestamp(), 600).plusSeconds(600).compareTo(clocks.get(f.vehicleId())) <= 0)
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
        km += GreatCircle.haversineKm(a.latitude(), a.longitude(), b.latitude(), b.longitude());
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

  /** Quarantine, events, breaches and every closed window of the sensor job. */
  public void assertSensorOutputs() {
    String out = outputRoot + "/sensor";
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

    // windows whose end their sensor's clock for the metric has passed
    Map<String, Instant> clocks = valid.stream().collect(Collectors.toMap(r -> r.sensorId() + "/" + r.metric(),
        r -> r.timestamp().minus(WINDOW_WATERMARK), (a, b) -> a.isAfter(b) ? a : b));
    Map<String, List<SensorReading>> byWindow = valid.stream()
        .filter(r -> windowStart(r.timestamp(), 300).plusSeconds(300)
            .compareTo(clocks.get(r.sensorId() + "/" + r.metric())) <= 0)
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
  public void assertAnalystQueries(SinkContents sinks) throws SQLException {
    List<GpsFix> fixes = sent.stream().filter(r -> r.kind() == Kind.VALID && r.event() instanceof GpsFix)
        .map(r -> (GpsFix) r.event()).toList();
    try (Connection admin = db.open(); Statement s = admin.createStatement()) {
      s.execute("DROP ROLE IF EXISTS alice");
      s.execute("CREATE ROLE alice LOGIN IN ROLE analyst");
    }
    PgConnectionSpec alice = new PgConnectionSpec(db.jdbcUrl(), "alice", null);
    Comparator<GpsFix> newest = Comparator.comparing(GpsFix::timestamp).thenComparing(GpsFix::eventId);
    Instant from = start.plus(Duration.ofMinutes(20));
    Instant to = start.plus(Duration.ofMinutes(40));

    try (Connection c = alice.open()) {
      for (String vehicle : List.of("truck-001", "truck-005")) {
        GpsFix latest = fixes.stream().filter(f -> f.vehicleId().equals(vehicle)).max(newest).orElseThrow();
        assertThat(query(c, "latest_position", vehicle)).containsExactly(List.of(vehicle,
            Timestamp.from(latest.timestamp()), latest.eventId(), latest.latitude(), latest.longitude(), latest.speedKmh(),
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
      for (List<Object> row : query(c, "sensor_breaches_per_hour", Timestamp.from(start),
          Timestamp.from(start.plus(Duration.ofDays(1))))) {
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
  public static boolean breach(Thresholds thresholds, SensorReading r) {
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
