package com.fleetstream.bench;

import com.fleetstream.jobs.LocationStreamingJob;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;

/**
 * End to end: the simulator in real time (event time = now) -> kinesalite -> the location job with
 * all its sinks -> the fix readable in PostgreSQL. A fix's latency is from its Kinesis arrival time
 * to the moment a poller (every 50 ms) first sees its batch's ledger row; the fix and the ledger row
 * commit in one transaction. The fix's {@code xmin} is that transaction's savepoint's id, above the
 * ledger row's (a parent's transaction id is assigned first) and below the next batch's. The figures
 * are for the steady state: fixes that arrive in the first {@value #WARM_UP_SECONDS} s (class
 * loading, JIT, the first batches' code generation) are sent but not counted.
 */
final class LatencyBenchmark {
  private static final String TRIGGER = "1 second";
  /** Hour-long windows are final only after the watermark passes their end: no reader waits on them. */
  private static final String WINDOWS_TRIGGER = "30 seconds";
  static final String STREAM = "bench-locations";
  static final String SENSORS = "bench-sensors";
  static final int WARM_UP_SECONDS = 30;

  private LatencyBenchmark() {}

  static List<Results.Row> run(SparkSession spark, int seconds, int perSecond, String sinks) throws Exception {
    Path dir = Files.createTempDirectory("bench-latency");
    try (KinesisEmulator kinesis = KinesisEmulator.start();
         PostgresServer pg = PostgresServer.start(dir.resolve("postgres"))) {
      kinesis.createStream(STREAM, 2);
      kinesis.createStream(SENSORS, 1);
      PgConnectionSpec db = new PgConnectionSpec(pg.jdbcUrl(), PostgresServer.SUPERUSER, null);
      SimulatorConfig sim = realTime(kinesis, perSecond, WARM_UP_SECONDS + seconds, 42);
      LocationJobConfig job = job(kinesis, db, dir, WARM_UP_SECONDS + seconds + 30, sinks);

      Map<Long, Long> seen = new ConcurrentHashMap<>(); // batch id -> when its ledger row was first seen
      AtomicBoolean done = new AtomicBoolean();
      CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> poll(db, seen, done));
      CompletableFuture<Simulator.Summary> sending = CompletableFuture.supplyAsync(() -> {
        sleep(5_000); // the job's queries are up by then
        return Simulator.send(sim, kinesis.client());
      });
      LocationStreamingJob.run(spark, job);
      sending.join();
      done.set(true);
      poller.join();

      List<long[]> all = latencies(db, seen);
      long steadyFrom = all.stream().mapToLong(a -> a[0]).min().orElseThrow() + WARM_UP_SECONDS * 1000L;
      long[] sorted = all.stream().filter(a -> a[0] >= steadyFrom).mapToLong(a -> a[1]).sorted().toArray();
      long[] withWarmUp = all.stream().mapToLong(a -> a[1]).sorted().toArray();
      System.out.printf("latency over %d fixes in %d s at %d fixes/s after %d s warm-up, trigger %s, sinks %s:"
              + " p50 %d ms, p95 %d ms, p99 %d ms, max %d ms; counting the warm-up: p95 %d ms, max %d ms%n",
          sorted.length, seconds, perSecond, WARM_UP_SECONDS, TRIGGER, sinks, percentile(sorted, 50),
          percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1], percentile(withWarmUp, 95),
          withWarmUp[withWarmUp.length - 1]);
      String what = "end-to-end latency, " + perSecond + " fixes/s for " + seconds + " s after " + WARM_UP_SECONDS
          + " s warm-up, trigger " + TRIGGER + " (windows " + WINDOWS_TRIGGER + "), sinks " + sinks;
      String baseline = "none: the goal is p95 <= 5000 ms";
      return List.of(
          new Results.Row(what + ", p50", percentile(sorted, 50), 0, "ms", baseline),
          new Results.Row(what + ", p95", percentile(sorted, 95), 0, "ms", baseline),
          new Results.Row(what + ", p99", percentile(sorted, 99), 0, "ms", baseline));
    }
  }

  /** The simulator sending {@code perSecond} fixes a second in real time (event time now) for {@code seconds}. */
  static SimulatorConfig realTime(KinesisEmulator kinesis, int perSecond, int seconds, int seed) {
    return SimulatorConfig.parse(new String[] {"--endpoint", kinesis.endpoint().toString(),
        "--location-stream", STREAM, "--sensor-stream", SENSORS, "--vehicles", Integer.toString(perSecond),
        "--gps-interval-seconds", "1", "--realtime", "true", "--duration-seconds", Integer.toString(seconds),
        "--seed", Integer.toString(seed)});
  }

  /** The location job on {@link #STREAM} with {@code sinks}, stopping after {@code seconds}. */
  static LocationJobConfig job(KinesisEmulator kinesis, PgConnectionSpec db, Path dir, int seconds, String sinks) {
    return LocationJobConfig.parse("--STREAM_NAME", STREAM,
        "--KINESIS_ENDPOINT", kinesis.endpoint().toString(), "--KINESIS_ACCESS_KEY_ID", KinesisEmulator.ACCESS_KEY,
        "--KINESIS_SECRET_KEY", KinesisEmulator.SECRET_KEY, "--OUTPUT_PATH", dir.resolve("out").toUri().toString(),
        "--CHECKPOINT_PATH", dir.resolve("checkpoints").toUri().toString(), "--TRIGGER_INTERVAL", TRIGGER,
        "--WINDOWS_TRIGGER_INTERVAL", WINDOWS_TRIGGER, "--SHUFFLE_PARTITIONS", "4",
        "--MAX_RUN_SECONDS", Integer.toString(seconds), "--SINKS", sinks, "--PG_JDBC_URL", db.jdbcUrl(),
        "--PG_USER", db.user());
  }

  static void poll(PgConnectionSpec db, Map<Long, Long> seen, AtomicBoolean done) {
    try (Connection c = db.open(); PreparedStatement s = c.prepareStatement(
        "SELECT batch_id FROM fleet.batch_ledger WHERE job = 'location_events' AND batch_id > ?")) {
      long last = -1;
      while (!done.get()) {
        s.setLong(1, last);
        try (ResultSet r = s.executeQuery()) {
          long now = System.currentTimeMillis();
          while (r.next()) {
            seen.putIfAbsent(r.getLong(1), now);
            last = Math.max(last, r.getLong(1));
          }
        }
        sleep(50);
      }
    } catch (SQLException e) {
      // the schema appears once the job has migrated it; until then there is nothing to see
      if (!done.get()) {
        sleep(200);
        poll(db, seen, done);
      }
    }
  }

  /** @return per fix: arrival time, latency (ms) */
  static List<long[]> latencies(PgConnectionSpec db, Map<Long, Long> seen) throws SQLException {
    List<long[]> out = new ArrayList<>();
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      TreeMap<Long, Long> batchByXid = new TreeMap<>();
      try (ResultSet r = s.executeQuery("SELECT xmin::text::bigint, batch_id FROM fleet.batch_ledger"
          + " WHERE job = 'location_events'")) {
        while (r.next()) {
          batchByXid.put(r.getLong(1), r.getLong(2));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT xmin::text::bigint, (extract(epoch FROM arrival_time) * 1000)::bigint"
          + " FROM fleet.vehicle_position_history")) {
        while (r.next()) {
          Map.Entry<Long, Long> batch = batchByXid.floorEntry(r.getLong(1));
          Long visible = batch == null ? null : seen.get(batch.getValue());
          if (visible != null) {
            out.add(new long[] {r.getLong(2), visible - r.getLong(2)});
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no fix reached PostgreSQL");
    }
    return out;
  }

  static long percentile(long[] sorted, int p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
