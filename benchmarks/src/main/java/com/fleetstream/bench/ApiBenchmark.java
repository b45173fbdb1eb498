package com.fleetstream.bench;

import com.fleetstream.api.Api;
import com.fleetstream.api.ApiConfig;
import com.fleetstream.api.LocalApiServer;
import com.fleetstream.api.access.AccessAdmin;
import com.fleetstream.jobs.sink.postgres.PostgresSchema;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.sql.SqlScript;
import com.fleetstream.testkit.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The fleet API under 50 concurrent clients: {@code GET /vehicles} (every vehicle's newest fix as
 * GeoJSON) and {@code GET /vehicles/{id}/positions} (an hour of one vehicle's track), each for a
 * fixed time, over HTTP to the local server with its pool. The baseline runs the same queries from
 * the same 50 threads through plain JDBC, a new connection per request and no HTTP or JSON: what an
 * API without a pool would pay at least. Both read as the principal {@code bench}, an operator of
 * every vehicle, under the API's row-level security.
 */
final class ApiBenchmark {
  static final int CLIENTS = 50;
  private static final int VEHICLES = 200;
  private static final int FIXES_PER_VEHICLE = 1440;
  private static final Instant DAY = Instant.parse("2026-01-01T00:00:00Z");
  private static final String ROLE = "bench_api";
  private static final String PRINCIPAL = "bench";
  private static final String AS_PRINCIPAL = SqlScript.load("sql/postgres/access/principal.sql").sql("as_principal");

  private ApiBenchmark() {}

  /** What one kind of request did for {@code seconds}: requests per second and latency percentiles. */
  private record Load(double perSecond, double p50Ms, double p99Ms) {}

  @FunctionalInterface
  private interface Call {
    void run(int vehicle) throws Exception;
  }

  static List<Results.Row> run(int seconds) throws Exception {
    try (PostgresServer pg = PostgresServer.start(Files.createTempDirectory("bench-api-postgres"),
        com.fleetstream.testkit.FreePort.pick(), 200)) {
      fill(pg);
      Api api = Api.start(ApiConfig.parse("--PG_URL", pg.jdbcUrl(), "--PG_USER", ROLE, "--PG_POOL_SIZE", "16"));
      String token = api.localIssuer().orElseThrow().token(PRINCIPAL, Duration.ofHours(1));
      // the client's threads are not daemons: left running, they would keep the benchmark's JVM alive
      ExecutorService httpThreads = Executors.newFixedThreadPool(8);
      try (LocalApiServer server = LocalApiServer.start(api, 0)) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads).build();
        URI base = server.url();
        String fleetSql = SqlScript.load("sql/postgres/queries/fleet_positions.sql").single();
        String pageSql = SqlScript.load("sql/postgres/queries/position_page.sql").single();
        Call apiFleet = v -> get(http, base.resolve("vehicles"), token);
        Call jdbcFleet = v -> jdbc(pg, fleetSql, ps -> {
          for (int edge = 1; edge <= 4; edge++) {
            ps.setObject(edge, null, java.sql.Types.DOUBLE); // no box
          }
          ps.setString(5, "");
          ps.setInt(6, 1001);
        });
        Call apiTrack = v -> get(http, base.resolve("vehicles/v-" + v + "/positions?start=" + hour(v) + "&end="
            + hour(v).plus(Duration.ofHours(1)) + "&limit=1000"), token);
        Call jdbcTrack = v -> jdbc(pg, pageSql, ps -> {
          ps.setString(1, "v-" + v);
          ps.setTimestamp(2, Timestamp.from(hour(v)));
          ps.setTimestamp(3, Timestamp.from(hour(v).plus(Duration.ofHours(1))));
          ps.setTimestamp(4, Timestamp.from(hour(v)));
          ps.setString(5, "");
          ps.setInt(6, 1001);
        });
        load(apiFleet, 2); // warm-up: JIT, the pool, PostgreSQL's caches
        load(jdbcFleet, 2);
        List<Results.Row> rows = new ArrayList<>();
        rows.addAll(rows("GET /vehicles (200 vehicles)", load(apiFleet, seconds), load(jdbcFleet, seconds)));
        load(apiTrack, 2);
        rows.addAll(rows("GET /vehicles/{id}/positions (1 h, 60 fixes)", load(apiTrack, seconds),
            load(jdbcTrack, seconds)));
        return rows;
      } finally {
        httpThreads.shutdownNow();
        api.close();
      }
    }
  }

  private static List<Results.Row> rows(String what, Load api, Load jdbc) {
    String baseline = "the same query, 50 threads, plain JDBC with a new connection per request, no HTTP or JSON";
    return List.of(
        new Results.Row("api: " + what + ", 50 clients (req/s)", api.perSecond(), jdbc.perSecond(), "req/s", baseline),
        new Results.Row("api: " + what + " p50 (ms)", api.p50Ms(), jdbc.p50Ms(), "ms", baseline),
        new Results.Row("api: " + what + " p99 (ms)", api.p99Ms(), jdbc.p99Ms(), "ms", baseline));
  }

  private static Instant hour(int vehicle) {
    return DAY.plus(Duration.ofHours(vehicle % 23));
  }

  private static Load load(Call call, int seconds) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Future<long[]>> done = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      done.add(clients.submit(() -> {
        long[] latencies = new long[1024];
        int n = 0;
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          call.run(ThreadLocalRandom.current().nextInt(VEHICLES));
          if (n == latencies.length) {
            latencies = Arrays.copyOf(latencies, n * 2);
          }
          latencies[n++] = System.nanoTime() - t0;
        }
        return Arrays.copyOf(latencies, n);
      }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<long[]> f : done) {
      for (long l : f.get()) {
        all.add(l);
      }
    }
    clients.shutdown();
    all.sort(null);
    return new Load(all.size() / (double) seconds, all.get(all.size() / 2) / 1e6,
        all.get((int) (all.size() * 0.99)) / 1e6);
  }

  private static void get(HttpClient http, URI uri, String token) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(uri + ": " + r.statusCode() + " " + new String(r.body()));
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws Exception;
  }

  /** The query as the API runs it (scoped to the principal, under row-level security), without the API. */
  private static void jdbc(PostgresServer pg, String sql, Binder binder) throws Exception {
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), ROLE, "")) {
      c.setAutoCommit(false);
      try (PreparedStatement scope = c.prepareStatement(AS_PRINCIPAL)) {
        scope.setString(1, PRINCIPAL);
        scope.execute();
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              rs.getObject(i);
            }
          }
        }
      }
      c.rollback();
    }
  }

  /** 200 vehicles, a fix a minute for a day each (288,000 fixes), through the migrations' tables. */
  private static void fill(PostgresServer pg) throws Exception {
    PostgresSchema.migrate(new PgConnectionSpec(pg.jdbcUrl(), PostgresServer.SUPERUSER, null));
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + ROLE + " LOGIN IN ROLE api_reader");
      s.execute("SELECT fleet.ensure_history_partitions(ARRAY[DATE '2026-01-01'])");
      s.execute("INSERT INTO fleet.vehicle_position_history (vehicle_id, event_time, event_id, latitude, longitude, "
          + "speed_kmh, heading, engine_status, arrival_time) SELECT 'v-' || v, TIMESTAMPTZ '2026-01-01 00:00:00+00' "
          + "+ m * INTERVAL '1 minute', 'e-' || v || '-' || m, 48 + v * 0.02 + m * 0.0001, 9 + m * 0.0001, 40, 90, "
          + "'running', now() FROM generate_series(0, " + (VEHICLES - 1) + ") v, generate_series(0, "
          + (FIXES_PER_VEHICLE - 1) + ") m");
      s.execute("INSERT INTO fleet.vehicle_position_latest (vehicle_id, event_time, event_id, latitude, longitude, "
          + "speed_kmh, heading, engine_status) SELECT DISTINCT ON (vehicle_id) vehicle_id, event_time, event_id, "
          + "latitude, longitude, speed_kmh, heading, engine_status FROM fleet.vehicle_position_history "
          + "ORDER BY vehicle_id, event_time DESC");
      // every vehicle is the bench principal's to read, through the API's row-level security
      new AccessAdmin(c).tenant("bench", "Bench fleet").adoptUnassignedVehicles("bench")
          .grant(PRINCIPAL, AccessAdmin.Role.OPERATOR, "bench", Optional.empty(), Optional.empty(), Optional.empty());
      s.execute("ANALYZE");
    }
  }
}
