package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import com.fleetstream.simulator.Simulation;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.FreePort;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes down in the middle of a batch (after the lake sinks wrote it). Down for 60 s, the
 * batch's retries with back-off outlast it and the job carries on; down for longer than its attempts
 * allow, the job fails naming the cause, and a restart from the checkpoint resumes. Either way every
 * sink ends with each record exactly once.
 */
class PostgresOutageIT {
  private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
  private static final String STREAM = "outage-locations";
  private static KinesisEmulator kinesis;
  private static PostgresServer postgres;
  private static int port;

  @TempDir
  static Path work;

  @BeforeAll
  static void start() {
    kinesis = KinesisEmulator.start();
    port = FreePort.pick();
    postgres = PostgresServer.start(work.resolve("pg"), port);
  }

  @AfterAll
  static void stop() {
    kinesis.close();
    postgres.close();
  }

  /** Stops PostgreSQL when the events query's first batch reaches its PostgreSQL sink. */
  private static UnaryOperator<BatchSink> outageAtFirstEventsBatch(AtomicBoolean done, Runnable afterStop) {
    return SinkHooks.around(Set.of("postgres:location_events"), (sink, rows, count, id) -> {
      if (done.compareAndSet(false, true)) {
        postgres.close();
        afterStop.run();
      }
      return sink.write(rows, count, id);
    });
  }

  @Test
  void aSixtySecondOutageIsRiddenOutAndALongerOneFailsTheJobCleanly() throws Exception {
    kinesis.createStream(STREAM, 1);
    kinesis.createStream("outage-sensors", 1);
    PgConnectionSpec db = new PgConnectionSpec(postgres.jdbcUrl(), PostgresServer.SUPERUSER, null);
    SparkSession spark = SparkTestSession.get();
    List<OutgoingRecord> sent = new ArrayList<>();

    // 1. down for 60 s: the batch waits it out with the default attempts (11: at least 131 s of back-off,
    // the delay capped at 20 s), however long the server then takes to start on a busy machine
    sent.addAll(send(0));
    AtomicBoolean stopped = new AtomicBoolean();
    long[] downFor = new long[1];
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args(db)), outageAtFirstEventsBatch(stopped, () -> {
      long down = System.nanoTime();
      CompletableFuture.runAsync(() -> {
        postgres = PostgresServer.start(work.resolve("pg"), port);
        downFor[0] = System.nanoTime() - down;
      }, CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS));
    }));
    assertThat(stopped).isTrue();
    assertThat(Duration.ofNanos(downFor[0])).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
    assertExactlyOnce(spark, db, sent);

    // 2. down for longer than 3 attempts: the job fails, saying why; restarted, it resumes
    sent.addAll(send(1));
    AtomicBoolean stoppedAgain = new AtomicBoolean();
    String[] threeAttempts = args(db, "--PG_MAX_ATTEMPTS", "3");
    assertThatThrownBy(() -> LocationStreamingJob.run(spark, LocationJobConfig.parse(threeAttempts),
        outageAtFirstEventsBatch(stoppedAgain, () -> { })))
        .hasStackTraceContaining("PostgreSQL still unavailable after 3 attempts");
    postgres = PostgresServer.start(work.resolve("pg"), port);
    LocationStreamingJob.run(spark, LocationJobConfig.parse(threeAttempts));
    assertExactlyOnce(spark, db, sent);
  }

  private static List<OutgoingRecord> send(int phase) {
    SimulatorConfig sim = TestJobArgs.simulation(kinesis, STREAM, "outage-sensors",
        START.plus(Duration.ofMinutes(20L * phase)), Duration.ofMinutes(20), 300 + phase);
    List<OutgoingRecord> records = Simulation.records(sim).stream().filter(r -> r.stream() == Stream.LOCATION)
        .toList();
    Simulator.send(sim, kinesis.client());
    return records;
  }

  private static void assertExactlyOnce(SparkSession spark, PgConnectionSpec db, List<OutgoingRecord> sent) {
    String out = work.resolve("out").toUri().toString();
    SinkContents sinks = new SinkContents(spark, out, out + "/delta", db);
    assertThat(sinks.parquet("location", "events").count())
        .isEqualTo(sent.stream().filter(r -> r.kind() == Kind.VALID).count());
    sinks.assertSinksAgree("location");
    sinks.assertLedgerHoldsEachBatchOnce("location");
  }

  private static String[] args(PgConnectionSpec db, String... more) {
    List<String> args = TestJobArgs.streaming(kinesis, STREAM, "10 minutes", work, db);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
