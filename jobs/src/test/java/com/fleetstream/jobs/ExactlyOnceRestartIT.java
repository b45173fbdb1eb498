package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.simulator.GpsFix;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.SensorReading;
import com.fleetstream.simulator.Simulation;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.ProjectPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Both jobs are made to die in the middle of batches, three times each inside this JVM: Parquet
 * written and the others not, then Delta too, then PostgreSQL too but Spark's commit not (each
 * partial state is checked to have happened); the location job once more by {@code kill -9} of a job
 * JVM in the middle of a batch. Restarted from its checkpoint each time, each must end with every
 * sink holding each record and window exactly once.
 */
class ExactlyOnceRestartIT {
  private static final Instant START = Instant.parse("2026-02-01T00:00:00Z");
  private static final Duration PHASE = Duration.ofMinutes(20);
  private static final String STREAM = "restart-locations";
  private static final String SENSOR_STREAM = "restart-sensors";

  @RegisterExtension
  static final StreamServers servers = new StreamServers("restart_test");

  @TempDir
  static Path work;

  /** The sink kinds in the order the crashes reach them. */
  private static final List<String> KINDS = List.of("parquet", "delta", "postgres");

  /**
   * The sinks of {@code kinds} write every batch and then fail it, as a crash right after them
   * would; the others do not write it at all, as if the crash had come before their turn (the lanes
   * run concurrently, so without this they would write too, and the partial state never happen).
   * A quarantine or late events sink writes without failing: in PostgreSQL's lane the events' sink
   * comes after the quarantine's, in Delta's after the late events', and must get its turn. Only the
   * events query's sinks crash: a crash of another query (windows, trips, alerts) stops the job,
   * which could cut the events batch short before its partial state is reached.
   */
  private static UnaryOperator<BatchSink> crashAfter(Set<String> kinds) {
    return SinkHooks.around(name -> EVENTS_QUERY_TABLES.contains(table(name)), (sink, rows, count, id) -> {
      if (!kinds.contains(kind(sink.name()))) {
        return 0;
      }
      long written = sink.write(rows, count, id);
      if (sink.name().endsWith("quarantine") || sink.name().endsWith("late_events")) {
        return written;
      }
      throw new IllegalStateException("injected crash after " + sink.name() + " wrote batch " + id);
    });
  }

  /** "delta:events" is Delta's, "postgres:location_events" PostgreSQL's, a bare table name Parquet's. */
  private static String kind(String sink) {
    return sink.contains(":") ? sink.substring(0, sink.indexOf(':')) : "parquet";
  }

  /** The tables the events query of either job writes. */
  private static final Set<String> EVENTS_QUERY_TABLES = Set.of("events", "quarantine", "late_events", "breaches");

  /** "events" for each of "events", "delta:events" and "postgres:location_events". */
  private static String table(String sink) {
    String table = sink.substring(sink.indexOf(':') + 1);
    return table.replaceFirst("^(location|sensor)_", "");
  }

  private static String[] args() {
    return TestJobArgs.streaming(servers.kinesis(), STREAM, "10 minutes", work, servers.db()).toArray(String[]::new);
  }

  private static String[] sensorArgs() {
    return TestJobArgs.streaming(servers.kinesis(), SENSOR_STREAM, "5 minutes", work, servers.db())
        .toArray(String[]::new);
  }

  @Test
  void crashesMidBatchLoseAndRepeatNothing() throws Exception {
    servers.kinesis().createStream(STREAM, 2);
    servers.kinesis().createStream(SENSOR_STREAM, 1);
    SparkSession spark = SparkTestSession.get();
    List<OutgoingRecord> sent = new ArrayList<>();
    sent.addAll(send(0));

    for (int crash = 0; crash < KINDS.size(); crash++) {
      Set<String> written = Set.copyOf(KINDS.subList(0, crash + 1));
      assertThatThrownBy(() -> LocationStreamingJob.run(spark, LocationJobConfig.parse(args()), crashAfter(written)))
          .hasStackTraceContaining("injected crash after");
      assertThat(eventsPerSink("location")).as("after a crash past " + written).isEqualTo(partial(written));
      assertThatThrownBy(() -> SensorStreamingJob.run(spark, SensorJobConfig.parse(sensorArgs()), crashAfter(written)))
          .hasStackTraceContaining("injected crash after");
      assertThat(eventsPerSink("sensor")).as("after a crash past " + written).isEqualTo(partial(written));
    }
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args()));
    SensorStreamingJob.run(spark, SensorJobConfig.parse(sensorArgs()));

    sent.addAll(send(1));
    killJobJvmMidBatch();
    sent.add(sendMalformed());
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args()));
    SensorStreamingJob.run(spark, SensorJobConfig.parse(sensorArgs()));

    assertExactlyOnce(spark, sent);
  }

  /** Which sinks hold the first batch of events: a crash past {@code written} leaves it in those only. */
  private static Map<String, Boolean> partial(Set<String> written) {
    Map<String, Boolean> holds = new TreeMap<>();
    KINDS.forEach(k -> holds.put(k, written.contains(k)));
    return holds;
  }

  private static Map<String, Boolean> eventsPerSink(String job) {
    SparkSession spark = SparkTestSession.get();
    Path parquet = work.resolve("out/" + job + "/events");
    String delta = work.resolve("out/delta/" + job + "/events").toUri().toString();
    Map<String, Boolean> holds = new TreeMap<>();
    holds.put("parquet", Files.isDirectory(parquet) && spark.read().parquet(parquet.toUri().toString()).count() > 0);
    holds.put("delta", io.delta.tables.DeltaTable.isDeltaTable(spark, delta)
        && spark.read().format("delta").load(delta).count() > 0);
    holds.put("postgres", TestPostgres.count(servers.db(), "SELECT count(*) FROM fleet.batch_ledger WHERE job = '"
        + job + "_events'") > 0);
    return holds;
  }

  /** @return the records sent to both streams */
  private static List<OutgoingRecord> send(int phase) {
    SimulatorConfig sim = TestJobArgs.simulation(servers.kinesis(), STREAM, SENSOR_STREAM,
        START.plus(PHASE.multipliedBy(phase)), PHASE, 300 + phase);
    Simulator.send(sim, servers.kinesis().client());
    return Simulation.records(sim);
  }

  /**
   * Spark runs no data-less batch after a restart until new input arrives, so if the killed JVM had
   * committed the windows query's last data batch, the windows its watermark has since passed would
   * stay in state through a drained run. In production the next record flushes them; here it is
   * one the job quarantines, which changes no event or window.
   */
  private static OutgoingRecord sendMalformed() {
    byte[] data = "{\"not\": \"a fix\"".getBytes(StandardCharsets.UTF_8);
    servers.kinesis().client().putRecord(b -> b.streamName(STREAM).partitionKey("tick")
        .data(SdkBytes.fromByteArray(data)));
    return new OutgoingRecord(Stream.LOCATION, "tick", data, Kind.MALFORMED, null, "malformed_json");
  }

  /**
   * Runs the job in a JVM of its own and kills it with SIGKILL as soon as one sink (Parquet or
   * PostgreSQL) has committed a new batch of events: the others are then still writing it.
   */
  private static void killJobJvmMidBatch() throws IOException, InterruptedException {
    Path markers = work.resolve("out/location/events/_batches");
    long committedBefore = committedMarkers(markers);
    long ledgerBefore = ledgerRows();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + ProjectPaths.root().resolve("etc/java17-spark.args"), "-Xmx1g"));
    // the job's own main builds its session; SparkConf picks these up from system properties
    SparkSessions.localConf(2).forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(List.of(
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        LocationStreamingJob.class.getName()));
    command.addAll(List.of(args()));
    command.addAll(List.of("--STOP_WHEN_DRAINED", "false"));
    Path log = work.resolve("killed-job.log");
    Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await("the job JVM committing a batch").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(10))
          .until(() -> {
            assertThat(job.isAlive()).as("job JVM still running; its log:\n%s", Files.readString(log)).isTrue();
            return committedMarkers(markers) != committedBefore || ledgerRows() != ledgerBefore;
          });
    } finally {
      job.destroyForcibly(); // SIGKILL
      job.waitFor();
    }
    // killed mid-batch: one sink has a batch that the other has not
    assertThat(committedMarkers(markers) - committedBefore).isNotEqualTo(ledgerRows() - ledgerBefore);
  }

  private static long ledgerRows() {
    return TestPostgres.count(servers.db(), "SELECT count(*) FROM fleet.batch_ledger WHERE job = 'location_events'");
  }

  private static long committedMarkers(Path markers) throws IOException {
    if (!Files.isDirectory(markers)) {
      return 0;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(markers)) {
      return files.filter(p -> p.toString().endsWith(".committed")).count();
    }
  }

  private static void assertExactlyOnce(SparkSession spark, List<OutgoingRecord> sent) {
    String out = work.resolve("out").toUri().toString();
    SinkContents sinks = new SinkContents(spark, out, out + "/delta", servers.db());
    List<GpsFix> valid = sent.stream().filter(r -> r.stream() == Stream.LOCATION && r.kind() == Kind.VALID)
        .map(r -> (GpsFix) r.event()).toList();

    assertThat(sinks.parquet("location", "events").select("event_id").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrderElementsOf(valid.stream().map(GpsFix::eventId).toList());
    assertThat(sinks.parquet("location", "quarantine").count())
        .isEqualTo(sent.stream().filter(r -> r.stream() == Stream.LOCATION && r.kind() == Kind.MALFORMED).count());
    assertThat(sinks.parquet("sensor", "events").select("event_id").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrderElementsOf(sent.stream().filter(r -> r.stream() == Stream.SENSOR
            && r.kind() == Kind.VALID).map(r -> ((SensorReading) r.event()).eventId()).toList());
    assertThat(sinks.parquet("sensor", "quarantine").count())
        .isEqualTo(sent.stream().filter(r -> r.stream() == Stream.SENSOR && r.kind() == Kind.MALFORMED).count());
    sinks.assertSinksAgree("sensor");
    Dataset<Row> windows = sinks.parquet("location", "window_stats");
    assertThat(windows.select("vehicle_id", "window_start").distinct().count()).isEqualTo(windows.count())
        .isEqualTo(5 * 3);
    sinks.assertSinksAgree("location");
    sinks.assertLedgerHoldsEachBatchOnce("location", "sensor");

    Map<String, String> latest = valid.stream().collect(Collectors.groupingBy(GpsFix::vehicleId, TreeMap::new,
        Collectors.collectingAndThen(Collectors.maxBy(Comparator.comparing(GpsFix::timestamp)
            .thenComparing(GpsFix::eventId)), f -> f.orElseThrow().eventId())));
    assertThat(TestPostgres.rows(servers.db(), "SELECT vehicle_id, event_id FROM fleet.vehicle_position_latest ORDER BY 1"))
        .containsExactlyElementsOf(latest.entrySet().stream().map(e -> List.<Object>of(e.getKey(), e.getValue()))
            .toList());
  }
}
