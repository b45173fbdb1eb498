package com.fleetstream.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.TestPostgres;
import com.fleetstream.jobs.retry.Retry;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.testkit.FreePort;
import com.fleetstream.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBatchSinkIT {
  private static final StructType FIXES = new StructType()
      .add("vehicle_id", DataTypes.StringType).add("event_id", DataTypes.StringType)
      .add("event_time", DataTypes.TimestampType).add("latitude", DataTypes.DoubleType)
      .add("longitude", DataTypes.DoubleType).add("speed_kmh", DataTypes.DoubleType)
      .add("heading", DataTypes.DoubleType).add("altitude_m", DataTypes.DoubleType)
      .add("accuracy_m", DataTypes.DoubleType).add("fuel_level_pct", DataTypes.DoubleType)
      .add("engine_status", DataTypes.StringType).add("arrival_time", DataTypes.TimestampType)
      .add("contract", DataTypes.StringType).add("event_id_derived", DataTypes.BooleanType)
      .add("event_time_from_arrival", DataTypes.BooleanType)
      .add("dt", DataTypes.StringType); // a column the table does not have: not sent
  private static final StructType QUARANTINE = new StructType()
      .add("stream_name", DataTypes.StringType).add("partition_key", DataTypes.StringType)
      .add("sequence_number", DataTypes.StringType).add("arrival_time", DataTypes.TimestampType)
      .add("reason", DataTypes.StringType).add("payload", DataTypes.StringType);
  private static final Retry NO_RETRY = new Retry(1, Duration.ofMillis(10));

  private static PgConnectionSpec db;

  @TempDir
  Path dir;

  @BeforeAll
  static void migrate() throws java.sql.SQLException {
    db = TestPostgres.database("sink_test");
    PostgresSchema.migrate(db);
  }

  private static Row fix(String vehicle, String event, String time, double lat) {
    Timestamp t = Timestamp.from(Instant.parse(time));
    return RowFactory.create(vehicle, event, t, lat, 10.0, 50.0, 90.0, null, 5.0, 70.0, "running", t,
        "fleetstream-location@1", false, false, "x");
  }

  private static Dataset<Row> rows(StructType schema, Row... rows) {
    return SparkTestSession.get().createDataFrame(Arrays.asList(rows), schema).repartition(2);
  }

  @Test
  void movesABatchIntoHistoryAndLatestOnceAndAReplayIsANoOp() {
    PostgresBatchSink sink = new PostgresBatchSink(db, "location_events", NO_RETRY);
    String query = UUID.randomUUID().toString();
    Dataset<Row> first = rows(FIXES,
        fix("v1", "e1", "2026-03-01T10:00:00Z", 53.0),
        fix("v1", "e2", "2026-03-01T10:05:00Z", 53.1),
        fix("v2", "e3", "2026-03-01T23:59:00Z", 52.0),
        fix("v2", "e4", "2026-03-02T00:01:00Z", 52.1));

    assertThat(sink.write(first, new BatchId(query, 0))).isEqualTo(4);
    assertThat(sink.write(first, new BatchId(query, 0))).isZero();

    assertThat(TestPostgres.rows(db, "SELECT vehicle_id, event_id FROM fleet.vehicle_position_latest ORDER BY 1"))
        .containsExactly(List.of("v1", "e2"), List.of("v2", "e4"));
    assertThat(TestPostgres.rows(db, "SELECT tableoid::regclass::text, count(*) FROM fleet.vehicle_position_history"
        + " GROUP BY 1 ORDER BY 1")).containsExactly(
            List.of("fleet.vehicle_position_history_20260301", 3L),
            List.of("fleet.vehicle_position_history_20260302", 1L));
    assertThat(TestPostgres.rows(db, "SELECT batch_id, counts::text FROM fleet.batch_ledger WHERE query_id = '"
        + query + "'")).containsExactly(List.of(0L,
            "{\"staged\": 4, \"new_partitions\": 2, \"vehicle_position_latest\": 2, \"vehicle_position_history\": 4}"));

    // a late fix for v1 goes to history but does not replace v1's newer position
    Dataset<Row> second = rows(FIXES,
        fix("v1", "e5", "2026-03-01T09:00:00Z", 50.0),
        fix("v2", "e6", "2026-03-02T00:30:00Z", 52.2));
    assertThat(sink.write(second, new BatchId(query, 1))).isEqualTo(2);
    assertThat(TestPostgres.rows(db, "SELECT vehicle_id, event_id, latitude FROM fleet.vehicle_position_latest"
        + " ORDER BY 1")).containsExactly(List.of("v1", "e2", 53.1), List.of("v2", "e6", 52.2));
    assertThat(TestPostgres.count(db, "SELECT count(*) FROM fleet.vehicle_position_history")).isEqualTo(6);
    assertThat(TestPostgres.count(db, "SELECT count(*) FROM fleet_staging.location_events")).isZero();
  }

  @Test
  void aFixAlreadyStoredIsSkippedAndTheRestOfItsBatchLands() {
    PostgresBatchSink sink = new PostgresBatchSink(db, "location_events", NO_RETRY);
    String query = UUID.randomUUID().toString();
    sink.write(rows(FIXES, fix("v7", "e70", "2026-03-03T10:00:00Z", 1.0)), new BatchId(query, 0));

    // e70 again, as a record repeated beyond the deduplication watermark; v8's two newest fixes tie on
    // event time, and the greater event id is its latest position
    Dataset<Row> second = rows(FIXES,
        fix("v7", "e70", "2026-03-03T10:00:00Z", 9.0),
        fix("v7", "e71", "2026-03-03T10:01:00Z", 2.0),
        fix("v8", "e80", "2026-03-03T10:00:00Z", 3.0),
        fix("v8", "e82", "2026-03-03T10:02:00Z", 4.0),
        fix("v8", "e81", "2026-03-03T10:02:00Z", 5.0));
    assertThat(sink.write(second, new BatchId(query, 1))).isEqualTo(5);

    assertThat(TestPostgres.rows(db, "SELECT event_id, latitude FROM fleet.vehicle_position_history"
        + " WHERE vehicle_id IN ('v7', 'v8') ORDER BY event_id")).containsExactly(
            List.of("e70", 1.0), List.of("e71", 2.0), List.of("e80", 3.0), List.of("e81", 5.0), List.of("e82", 4.0));
    assertThat(TestPostgres.rows(db, "SELECT vehicle_id, event_id FROM fleet.vehicle_position_latest"
        + " WHERE vehicle_id IN ('v7', 'v8') ORDER BY 1")).containsExactly(List.of("v7", "e71"), List.of("v8", "e82"));
    assertThat(TestPostgres.rows(db, "SELECT counts::text FROM fleet.batch_ledger WHERE query_id = '" + query
        + "' AND batch_id = 1")).containsExactly(List.of(
            "{\"staged\": 5, \"new_partitions\": 0, \"vehicle_position_latest\": 2, \"vehicle_position_history\": 4}"));
  }

  @Test
  void aBatchGetsPartitionsForTheDaysItHasFixesOnAndNeverMoreThanACap() throws SQLException {
    PostgresBatchSink sink = new PostgresBatchSink(db, "location_events", NO_RETRY);
    String query = UUID.randomUUID().toString();
    // a reset clock's fix (validation quarantines it now) beside today's: two partitions, not the
    // ~9,800 days between them
    sink.write(rows(FIXES, fix("v9", "e90", "2000-01-01T00:00:00Z", 1.0), fix("v9", "e91", "2026-11-30T10:00:00Z", 2.0)),
        new BatchId(query, 0));
    assertThat(TestPostgres.rows(db, "SELECT counts->>'new_partitions' FROM fleet.batch_ledger WHERE query_id = '"
        + query + "'")).containsExactly(List.of("2"));
    assertThat(TestPostgres.rows(db, "SELECT tableoid::regclass::text FROM fleet.vehicle_position_history"
        + " WHERE vehicle_id = 'v9' ORDER BY 1")).containsExactly(
            List.of("fleet.vehicle_position_history_20000101"), List.of("fleet.vehicle_position_history_20261130"));

    try (Connection c = db.open(); var s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("SELECT fleet.ensure_history_partitions(array_agg(d::date))"
          + " FROM generate_series(date '2010-01-01', date '2011-02-05', interval '1 day') AS d"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("a batch of fixes needs 401 new day partitions of fleet.vehicle_position_history"
              + " (2010-01-01 to 2011-02-05), more than 400 at once")
          .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("54000");
    }
    assertThat(TestPostgres.count(db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'vehicle_position_history_2010%'"))
        .isZero();
  }

  @Test
  void copiesAwkwardTextExactly() {
    PostgresBatchSink sink = new PostgresBatchSink(db, "location_quarantine", NO_RETRY);
    Timestamp t = Timestamp.from(Instant.parse("2026-03-01T10:00:00Z"));
    List<String> payloads = Arrays.asList("{\"a\": \"b,c\"}", "line1\nline2\r\n\"quoted\"", "", null, "\\N", "ümlaut ✓");
    Row[] rows = new Row[payloads.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = RowFactory.create("s", "pk", "seq-" + i, t, "malformed_json", payloads.get(i));
    }
    sink.write(rows(QUARANTINE, rows), new BatchId(UUID.randomUUID().toString(), 0));

    assertThat(TestPostgres.rows(db, "SELECT payload FROM fleet.quarantine ORDER BY sequence_number"))
        .extracting(r -> r.get(0)).containsExactlyElementsOf(payloads);
  }

  @Test
  void aServerThatComesBackIsRetriedWithBackOff() throws Exception {
    int port = FreePort.pick();
    PostgresServer server = PostgresServer.start(dir.resolve("pg"), port);
    PgConnectionSpec spec = new PgConnectionSpec(server.jdbcUrl(), PostgresServer.SUPERUSER, null);
    PostgresSchema.migrate(spec);
    server.close();

    CompletableFuture<PostgresServer> restarted = CompletableFuture.supplyAsync(() -> {
      sleep(1500);
      return PostgresServer.start(dir.resolve("pg"), port);
    });
    try {
      // 10 attempts: about 91 s of back-off (68 s at the least), past the restart however busy the machine is
      PostgresBatchSink sink = new PostgresBatchSink(spec, "location_events", new Retry(10, Duration.ofMillis(500)));
      assertThat(sink.write(rows(FIXES, fix("v9", "e9", "2026-03-05T10:00:00Z", 1.0)),
          new BatchId(UUID.randomUUID().toString(), 0))).isEqualTo(1);
      assertThat(TestPostgres.rows(spec, "SELECT event_id FROM fleet.vehicle_position_history"))
          .containsExactly(List.of("e9"));
    } finally {
      restarted.get().close();
    }
  }

  /**
   * The sequence: a batch's COPYs, PostgreSQL crashing (an immediate stop, as a power loss or
   * an RDS failover: no shutdown checkpoint, so recovery empties the unlogged staging table), a
   * partition's COPY after the restart, then the move. The move refuses what staging holds and the
   * write stages the batch again: every row once, and the ledger only then.
   */
  @Test
  void aCrashBetweenCopiesLosesNoStagedRow() throws Exception {
    int port = FreePort.pick();
    Path data = dir.resolve("crashing");
    PostgresServer server = PostgresServer.start(data, port);
    PgConnectionSpec spec = new PgConnectionSpec(server.jdbcUrl(), PostgresServer.SUPERUSER, null);
    PostgresSchema.migrate(spec);
    PostgresBatchSink sink = new PostgresBatchSink(spec, "location_events", new Retry(5, Duration.ofMillis(200)));
    Row[] fixes = {fix("v1", "c1", "2026-03-09T10:00:00Z", 1.0), fix("v1", "c2", "2026-03-09T10:01:00Z", 1.1),
        fix("v2", "c3", "2026-03-09T10:00:00Z", 2.0), fix("v2", "c4", "2026-03-09T10:01:00Z", 2.1)};
    BatchId id = new BatchId(UUID.randomUUID().toString(), 7);
    assertThat(sink.stage(rows(FIXES, fixes), fixes.length, id)).isTrue();
    assertThat(TestPostgres.count(spec, "SELECT count(*) FROM fleet_staging.location_events")).isEqualTo(4);

    server = crashAndRestart(server, data, port);
    try {
      assertThat(TestPostgres.count(spec, "SELECT count(*) FROM fleet_staging.location_events"))
          .as("what recovery leaves of an unlogged table").isZero();
      // the last partition's COPY, after the restart
      sink.stage(rows(FIXES, fixes[2], fixes[3]), 2, id);
      assertThatThrownBy(() -> sink.move(fixes.length, id)).isInstanceOf(Retry.Transient.class)
          .hasMessageContaining("holds 2 of the 4 rows");
      assertThat(TestPostgres.count(spec, "SELECT count(*) FROM fleet.batch_ledger")).isZero();

      assertThat(sink.write(rows(FIXES, fixes), id)).isEqualTo(4);
      assertThat(TestPostgres.rows(spec, "SELECT event_id FROM fleet.vehicle_position_history ORDER BY event_id"))
          .extracting(r -> r.get(0)).containsExactly("c1", "c2", "c3", "c4");
      assertThat(sink.write(rows(FIXES, fixes), id)).as("a replay").isZero();
    } finally {
      server.close();
    }
  }

  /** Stops the server at once ({@code pg_ctl stop -m immediate} is SIGQUIT to the postmaster) and starts it again. */
  private static PostgresServer crashAndRestart(PostgresServer server, Path data, int port) throws Exception {
    long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle process = ProcessHandle.of(postmaster).orElseThrow();
    signal("QUIT", List.of(postmaster));
    process.onExit().get(60, TimeUnit.SECONDS);
    // releases the data directory's lock; its stop finds no server, which is the point
    server.close();
    return PostgresServer.start(data, port);
  }

  @Test
  void aServerThatStaysDownFailsTheBatchLoudly() {
    PgConnectionSpec nowhere = new PgConnectionSpec("jdbc:postgresql://127.0.0.1:" + FreePort.pick() + "/fleet",
        "postgres", "secret");
    PostgresBatchSink sink = new PostgresBatchSink(nowhere, "location_events", new Retry(3, Duration.ofMillis(50)));

    assertThatThrownBy(() -> sink.write(rows(FIXES, fix("v1", "e1", "2026-03-01T10:00:00Z", 1.0)),
        new BatchId(UUID.randomUUID().toString(), 0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("postgres:location_events")
        .hasMessageContaining("still unavailable after 3 attempts");
    assertThat(nowhere.toString()).doesNotContain("secret");
  }

  /**
   * An analyst's transaction holds a lock the batch needs: each attempt gives up after lock_timeout
   * instead of waiting for it, the batch fails loudly after its attempts, and once the lock is
   * released a retry writes the batch.
   */
  @Test
  void aLockHeldByAnotherSessionFailsTheAttemptWithinTheBoundAndARetrySucceeds() throws Exception {
    PgConnectionSpec spec = TestPostgres.database("sink_lock_test").withTimeouts(Duration.ofMinutes(5),
        Duration.ofMillis(300));
    PostgresSchema.migrate(spec);
    Dataset<Row> batch = rows(FIXES, fix("v7", "e7", "2026-03-07T10:00:00Z", 1.0));
    try (Connection analyst = spec.open()) {
      analyst.setAutoCommit(false);
      analyst.createStatement().execute("LOCK TABLE fleet.vehicle_position_history IN ACCESS EXCLUSIVE MODE");

      PostgresBatchSink twice = new PostgresBatchSink(spec, "location_events", new Retry(2, Duration.ofMillis(50)));
      CompletableFuture<?> blocked = CompletableFuture.supplyAsync(() ->
          twice.write(batch, new BatchId(UUID.randomUUID().toString(), 0)));
      // a minute is the bound for this test: without lock_timeout the write waits for the lock forever
      assertThatThrownBy(() -> blocked.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("still unavailable after 2 attempts")
          .hasStackTraceContaining("ERROR: canceling statement due to lock timeout");

      CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
        sleep(1000);
        try {
          analyst.rollback();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      PostgresBatchSink patient = new PostgresBatchSink(spec, "location_events", new Retry(8, Duration.ofMillis(300)));
      assertThat(patient.write(batch, new BatchId(UUID.randomUUID().toString(), 0))).isEqualTo(1);
      released.get();
    }
    assertThat(TestPostgres.rows(spec, "SELECT event_id FROM fleet.vehicle_position_history"))
        .containsExactly(List.of("e7"));
  }

  /**
   * A server that stops answering (every PostgreSQL process SIGSTOPped): each attempt gives up after
   * socketTimeout, the batch fails loudly after its attempts, and once the server runs again a retry
   * writes the batch.
   */
  @Test
  void aServerThatHangsFailsTheAttemptWithinTheBoundAndARetrySucceeds() throws Exception {
    PostgresServer server = PostgresServer.start(dir.resolve("hung"));
    PgConnectionSpec spec = new PgConnectionSpec(server.jdbcUrl(), PostgresServer.SUPERUSER, null)
        .withTimeouts(Duration.ofSeconds(2), PgConnectionSpec.DEFAULT_LOCK_TIMEOUT);
    try (server) {
      PostgresSchema.migrate(spec);
      long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("hung/postmaster.pid")).get(0).trim());
      List<Long> processes = new ArrayList<>(List.of(postmaster));
      ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(p -> processes.add(p.pid()));
      Dataset<Row> batch = rows(FIXES, fix("v8", "e8", "2026-03-08T10:00:00Z", 1.0));

      signal("STOP", processes);
      try {
        PostgresBatchSink twice = new PostgresBatchSink(spec, "location_events", new Retry(2, Duration.ofMillis(50)));
        CompletableFuture<?> hung = CompletableFuture.supplyAsync(() ->
            twice.write(batch, new BatchId(UUID.randomUUID().toString(), 0)));
        // without socketTimeout the attempt waits for an answer forever
        assertThatThrownBy(() -> hung.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
            .hasMessageContaining("still unavailable after 2 attempts");
      } finally {
        signal("CONT", processes);
      }
      PostgresBatchSink sink = new PostgresBatchSink(spec, "location_events", new Retry(4, Duration.ofMillis(300)));
      assertThat(sink.write(batch, new BatchId(UUID.randomUUID().toString(), 0))).isEqualTo(1);
      assertThat(TestPostgres.rows(spec, "SELECT event_id FROM fleet.vehicle_position_history"))
          .containsExactly(List.of("e8"));
    }
  }

  /**
   * Signals each process still running. A backend or worker may exit between being listed and being
   * signalled (kill then fails with "no such process"): it is not running, which is what STOP wants.
   */
  private static void signal(String signal, List<Long> pids) throws Exception {
    for (long pid : pids) {
      int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
      if (exit != 0) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("kill -" + signal + " " + pid + " failed, and the process is still running").isFalse();
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
