package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.runtime.BatchAccounting;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.trips.Drive;
import com.fleetstream.jobs.trips.TripDetector.Fix;
import com.fleetstream.jobs.trips.TripsAndStops;
import com.fleetstream.sql.SqlScript;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted drive through Kinesis, the location job and its three sinks: a truck stands in its depot,
 * leaves at 23:44:55, drives over midnight, waits at a traffic light, switches its ignition off, stands
 * ten minutes, drives again and parks. The job runs three times: stopped in the middle of the first
 * trip, then failing right after PostgreSQL took the trips' first batch, then again from its
 * checkpoint, with a fix far behind its vehicle's clock in between. Parquet, Delta and PostgreSQL must each
 * hold exactly the two trips and two stops worked out by hand (the third stop has not ended), the
 * combine job a daily summary for each day, and the analysts' queries must find them.
 */
class TripsIT {
  private static final String STREAM = "trip-locations";
  private static final Instant START = Instant.parse("2026-03-02T23:40:00Z");

  @RegisterExtension
  static final StreamServers servers = new StreamServers("trips_test");

  @TempDir
  static Path work;

  @Test
  void scriptedDriveGivesExactlyTheExpectedTripsAndStopsInEverySinkAcrossFailuresAndRestarts() throws Exception {
    servers.kinesis().createStream(STREAM, 1);
    SparkSession spark = SparkTestSession.get();
    Path geofences = TestRecords.depotGeofence(work);
    Drive d = new Drive("v-trip", START, 52.52, 13.40) // 340 m from the depot's centre: inside it
        .stand(300, 0).drive(1200, 36).stand(90, 0).drive(300, 36).stand(5, 0, "off").stand(600, 0, "off")
        .drive(300, 36).stand(600, 0);
    List<String> payloads = d.fixes().stream().map(TripsIT::payload).toList();

    // phase 1: up to fix 200 (23:56:40), in the middle of the first trip
    put(payloads.subList(0, 201));
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args(geofences)));

    // phase 2: the rest, three fixes sent before the one they follow; the job fails right after the
    // trips' first PostgreSQL write
    List<String> rest = new ArrayList<>(payloads.subList(201, payloads.size()));
    rest.add(199, rest.remove(202));
    put(rest);
    AtomicBoolean crashed = new AtomicBoolean();
    UnaryOperator<BatchSink> crashAfterTrips = SinkHooks.around(Set.of("postgres:location_trips"), (sink, taken, count, id) -> {
      long rows = sink.write(taken, count, id);
      if (rows > 0 && crashed.compareAndSet(false, true)) {
        throw new IllegalStateException("injected crash after writing trips");
      }
      return rows;
    });
    assertThatThrownBy(() -> LocationStreamingJob.run(spark, LocationJobConfig.parse(args(geofences)), crashAfterTrips))
        .hasStackTraceContaining("injected crash after writing trips");
    assertThat(crashed).isTrue();

    // phase 3: restarted from the checkpoints, with a fix from 23:48:20, far behind its vehicle's clock:
    // the trips it would have changed are written, so it is counted and changes nothing
    Fix old = d.fix(100);
    put(List.of(payload(new Fix(old.time(), "late-1", old.latitude(), old.longitude(), 36.0, "running"))));
    var queries = LocationStreamingJob.run(spark, LocationJobConfig.parse(args(geofences)));
    assertThat(Arrays.stream(queries.query("trips").recentProgress())
        .map(p -> BatchAccounting.counts(p, java.util.Map.of()))
        .mapToLong(c -> c.outOfOrder() == null ? 0 : c.outOfOrder()).sum()).isEqualTo(1);

    List<String> trips = List.of(
        trip(d, 59, 378, "26.58 15.0 25.0 1.58 33.9 36.0 320 ignition"),
        trip(d, 498, 559, "5.08 3.0 5.0 0.08 35.4 36.0 62 parking"));
    List<String> stops = List.of(
        stop(d, 0, 59, "4.92 depot"),
        stop(d, 378, 498, "10.0 null"));
    String out = work.resolve("out").toUri().toString();
    SinkContents sinks = new SinkContents(spark, out, out + "/delta", servers.db());
    for (Dataset<Row> t : List.of(sinks.parquet("location", "trips"), sinks.delta("location", "trips"),
        sinks.postgres("fleet.trips"))) {
      assertThat(render(t, TripsAndStops.TRIP_COLUMNS)).containsExactlyElementsOf(trips);
    }
    for (Dataset<Row> s : List.of(sinks.parquet("location", "stops"), sinks.delta("location", "stops"),
        sinks.postgres("fleet.stops"))) {
      assertThat(render(s, TripsAndStops.STOP_COLUMNS)).containsExactlyElementsOf(stops);
    }
    // partitioned by the hour each began in
    assertThat(render(sinks.delta("location", "trips"), "trip_id", "dt", "hour")).containsExactly(
        "v-trip|trip|2026-03-02T23:44:55Z 2026-03-02 23", "v-trip|trip|2026-03-03T00:21:30Z 2026-03-03 00");

    // the combine job's daily summary, and the analysts' queries in Athena (the local catalog) and PostgreSQL
    String finalPath = work.resolve("final").toUri().toString();
    assertThat(CombineJob.run(spark, CombineJobConfig.parse("--INPUT_DELTA_PATH", out + "/delta",
        "--FINAL_PATH", finalPath, "--SHUFFLE_PARTITIONS", "2"))).isPresent();
    assertThat(render(spark.read().format("delta").load(finalPath + "/" + CombineJob.VEHICLE_DAILY_TRIPS),
        "vehicle_id", "dt", "trips", "distance_km", "trip_minutes", "moving_minutes", "idle_minutes", "longest_trip_km",
        "max_speed_kmh", "first_departure", "last_arrival")).containsExactly(
            "v-trip 2026-03-02 1 15.0 26.58 25.0 1.58 15.0 36.0 2026-03-02T23:44:55Z 2026-03-03T00:11:30Z",
            "v-trip 2026-03-03 1 3.0 5.08 5.0 0.08 3.0 36.0 2026-03-03T00:21:30Z 2026-03-03T00:26:35Z");
    com.fleetstream.crawlers.LocalCatalog.register(spark, java.util.Map.of("curated", out, "final", finalPath));
    assertThat(render(spark.sql(SqlScript.load("sql/athena/queries/trips_per_day.sql").single()), "dt", "vehicles",
        "trips", "distance_km", "trip_minutes", "longest_trip_km")).containsExactly(
            "2026-03-02 1 1 15.0 26.58 15.0", "2026-03-03 1 1 3.0 5.08 3.0");
    Timestamp from = Timestamp.from(START);
    Timestamp until = Timestamp.from(START.plusSeconds(86_400));
    assertThat(render(spark.sql(SqlScript.load("sql/athena/queries/longest_stops.sql").single(), new Object[] {from, until, 1}),
        "vehicle_id", "start_time", "duration_minutes", "geofence_id"))
        .containsExactly("v-trip 2026-03-03T00:11:30Z 10.0 null");
    try (Connection c = servers.db().open()) {
      assertThat(query(c, "vehicle_trips_on_day", "2026-03-03", "v-trip"))
          .containsExactly(List.of("v-trip|trip|2026-03-03T00:21:30Z", 3.0, "parking"));
      assertThat(query(c, "longest_trips", from, until, 1))
          .containsExactly(List.of("v-trip", Timestamp.from(START.plusSeconds(295)), 15.0));
      assertThat(query(c, "longest_stops", from, until, 5)).containsExactly(
          List.of("v-trip", 10.0, "null"), List.of("v-trip", 4.92, "depot"));
    }
  }

  private static List<List<Object>> query(Connection c, String name, Object... params) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(SqlScript.load("sql/postgres/queries/" + name + ".sql").single())) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<List<Object>> rows = new ArrayList<>();
      for (List<Object> r : TestPostgres.rows(ps.executeQuery())) {
        rows.add(switch (name) {
          case "longest_stops" -> List.of(r.get(0), r.get(3), String.valueOf(r.get(6)));
          case "longest_trips" -> List.of(r.get(0), r.get(1), r.get(3));
          default -> List.of(r.get(0), r.get(7), r.get(13));
        });
      }
      return rows;
    }
  }

  private static String trip(Drive d, int from, int to, String figures) {
    Fix a = d.fix(from);
    Fix b = d.fix(to);
    return String.join(" ", "v-trip|trip|" + Instant.ofEpochMilli(a.time()), "v-trip",
        Instant.ofEpochMilli(a.time()).toString(), Instant.ofEpochMilli(b.time()).toString(),
        Double.toString(a.latitude()), Double.toString(a.longitude()), Double.toString(b.latitude()),
        Double.toString(b.longitude()), figures);
  }

  private static String stop(Drive d, int from, int to, String figures) {
    Fix a = d.fix(from);
    String[] f = figures.split(" ");
    return String.join(" ", "v-trip|stop|" + Instant.ofEpochMilli(a.time()), "v-trip",
        Instant.ofEpochMilli(a.time()).toString(), Instant.ofEpochMilli(d.fix(to).time()).toString(), f[0],
        Double.toString(a.latitude()), Double.toString(a.longitude()), f[1]);
  }

  /** Each row's columns joined by spaces, times as instants, in the order of the first column. */
  private static List<String> render(Dataset<Row> rows, String... columns) {
    List<String> out = new ArrayList<>();
    for (Row r : rows.selectExpr(columns).orderBy(columns[0], columns[1]).collectAsList()) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        values.add(v instanceof Timestamp t ? t.toInstant().toString() : String.valueOf(v));
      }
      out.add(String.join(" ", values));
    }
    return out;
  }

  private static String payload(Fix f) {
    return String.format(Locale.ROOT, "{\"vehicle_id\":\"v-trip\",\"event_id\":\"%s\",\"timestamp\":\"%s\","
            + "\"latitude\":%s,\"longitude\":%s,\"speed_kmh\":%s,\"engine_status\":\"%s\"}", f.eventId(),
        Instant.ofEpochMilli(f.time()), f.latitude(), f.longitude(), f.speedKmh(), f.engine());
  }

  private static void put(List<String> payloads) {
    for (int i = 0; i < payloads.size(); i += 500) { // PutRecords takes at most 500
      TestRecords.put(servers.kinesis(), STREAM, "v-trip", payloads.subList(i, Math.min(payloads.size(), i + 500)));
    }
  }

  private static String[] args(Path geofences) {
    List<String> args = TestJobArgs.streaming(servers.kinesis(), STREAM, "1 hour", work, servers.db());
    args.addAll(List.of("--GEOFENCES", geofences.toUri().toString()));
    return args.toArray(String[]::new);
  }
}
