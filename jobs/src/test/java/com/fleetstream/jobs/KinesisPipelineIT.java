package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.crawlers.LocalCatalog;
import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.simulator.GpsFix;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import com.fleetstream.simulator.SensorReading;
import com.fleetstream.simulator.Simulation;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.LoopbackCloudWatch;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulator -> kinesalite -> both streaming jobs -> Parquet, checked against an independent
 * computation over the simulated events. Each job runs twice over the same checkpoint: the second
 * run must read only what was sent after the first, and close the windows the first left open.
 */
class KinesisPipelineIT {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration PHASE = Duration.ofMinutes(30);

  @RegisterExtension
  static final StreamServers servers = new StreamServers("pipeline_test");

  @TempDir
  static Path work;

  private static final LoopbackCloudWatch cloudWatch = new LoopbackCloudWatch();

  @AfterAll
  static void stopCloudWatch() {
    cloudWatch.close();
  }

  private static SimulatorConfig phase(int n, String locations, String sensors) {
    return TestJobArgs.simulation(servers.kinesis(), locations, sensors, START.plus(PHASE.multipliedBy(n)), PHASE, 100 + n);
  }

  private static String[] jobArgs(String stream, String window) {
    List<String> args = TestJobArgs.streaming(servers.kinesis(), stream, window, work, servers.db());
    args.addAll(List.of("--METRICS_NAMESPACE", "Fleetstream/it", "--CLOUDWATCH_ENDPOINT",
        cloudWatch.endpoint().toString()));
    return args.toArray(String[]::new);
  }

  @Test
  void bothJobsMatchAnIndependentComputationAndResumeFromTheirCheckpoints() throws SQLException {
    servers.kinesis().createStream("it-locations", 2);
    servers.kinesis().createStream("it-sensors", 1);
    SparkSession spark = SparkTestSession.get();
    List<OutgoingRecord> sent = new ArrayList<>();
    List<Long> locationReadPerRun = new ArrayList<>();
    List<Long> sensorReadPerRun = new ArrayList<>();
    long servedBefore = servers.kinesis().recordsServed();
    // besides each record once: a planned batch's probe fetches one record per shard, which the batch
    // reads again, and a restart's retention check each shard's oldest record
    long probes = 0;

    for (int run = 0; run < 2; run++) {
      SimulatorConfig sim = phase(run, "it-locations", "it-sensors");
      sent.addAll(Simulation.records(sim));
      Simulator.send(sim, servers.kinesis().client());
      StreamingQueries location = LocationStreamingJob.run(spark,
          LocationJobConfig.parse(jobArgs("it-locations", PipelineExpectations.LOCATION_WINDOW)));
      locationReadPerRun.add(read(location));
      StreamingQueries sensor = SensorStreamingJob.run(spark,
          SensorJobConfig.parse(jobArgs("it-sensors", PipelineExpectations.SENSOR_WINDOW)));
      sensorReadPerRun.add(read(sensor));
      probes += 2L * (location.query("events").recentProgress().length + 1)
          + sensor.query("events").recentProgress().length + 1;
    }

    // Kinesis is read once: the windows, trips and alerts queries read the events from Delta
    long fetched = servers.kinesis().recordsServed() - servedBefore;
    assertThat(fetched).as("records GetRecords served for %d sent and at most %d probes", sent.size(), probes)
        .isBetween((long) sent.size(), sent.size() + probes);

    // each run read only what was sent since the previous one
    assertThat(locationReadPerRun.get(0) + locationReadPerRun.get(1))
        .isEqualTo(sent.stream().filter(r -> r.stream() == Stream.LOCATION).count());
    assertThat(locationReadPerRun.get(1)).isEqualTo(sent.stream()
        .filter(r -> r.stream() == Stream.LOCATION && time(r).compareTo(START.plus(PHASE)) >= 0).count());
    assertThat(sensorReadPerRun.get(0) + sensorReadPerRun.get(1))
        .isEqualTo(sent.stream().filter(r -> r.stream() == Stream.SENSOR).count());

    assertMetricsAddUp(sent);

    String out = work.resolve("out").toUri().toString().replaceAll("/$", "");
    PipelineExpectations expected = new PipelineExpectations(spark, out, servers.db(), sent, START);
    expected.assertLocationOutputs();
    expected.assertSensorOutputs();
    SinkContents sinks = new SinkContents(spark, out, out + "/delta", servers.db());
    sinks.assertSinksAgree("location");
    sinks.assertSinksAgree("sensor");
    sinks.assertLedgerHoldsEachBatchOnce("location", "sensor");
    expected.assertAnalystQueries(sinks);

    // the combine job over what the streams wrote, cataloged as the crawlers would, queried as in Athena
    String finalPath = work.resolve("final").toUri().toString();
    assertThat(CombineJob.run(spark, CombineJobConfig.parse("--INPUT_DELTA_PATH", out + "/delta",
        "--FINAL_PATH", finalPath, "--SHUFFLE_PARTITIONS", "2"))).isPresent();
    LocalCatalog.register(spark, Map.of("curated", out, "final", finalPath));
    AthenaQueriesCheck.of(spark, sent).assertAll();
  }

  /**
   * What the jobs sent CloudWatch: each events query's per-batch counts sum to what was sent, and
   * each stream's lag is reported as a whole and per shard, ending at 0 once the jobs drained it.
   */
  private static void assertMetricsAddUp(List<OutgoingRecord> sent) {
    assertThat(cloudWatch.refusals()).isEmpty();
    assertThat(cloudWatch.data()).extracting(LoopbackCloudWatch.Datum::namespace).containsOnly("Fleetstream/it");
    for (Stream stream : Stream.values()) {
      String query = stream == Stream.LOCATION ? "location-events" : "sensor-events";
      String streamName = stream == Stream.LOCATION ? "it-locations" : "it-sensors";
      assertThat(metricSum("RecordsRead", query)).as(query).isEqualTo(sent.stream().filter(r -> r.stream() == stream)
          .count());
      assertThat(metricSum("RecordsQuarantined", query)).as(query).isEqualTo(sent.stream()
          .filter(r -> r.stream() == stream && r.kind() == Kind.MALFORMED).count());
      assertThat(metricSum("RecordsRead", query) - metricSum("RecordsQuarantined", query)).as(query)
          .isEqualTo(metricSum("EventsKept", query) + metricSum("Duplicates", query) + metricSum("LateEvents", query));
      List<LoopbackCloudWatch.Datum> lag = cloudWatch.data().stream()
          .filter(d -> d.name().equals("MillisBehindLatest") && streamName.equals(d.dimensions().get("StreamName")))
          .toList();
      assertThat(lag).extracting(d -> d.dimensions().get("ShardId")).filteredOn(java.util.Objects::nonNull)
          .containsOnly(servers.kinesis().client().listShards(b -> b.streamName(streamName)).shards().stream()
              .map(software.amazon.awssdk.services.kinesis.model.Shard::shardId).toArray(String[]::new));
      assertThat(lag.stream().filter(d -> !d.dimensions().containsKey("ShardId")).reduce((a, b) -> b).orElseThrow())
          .satisfies(last -> {
            assertThat(last.dimensions()).containsOnlyKeys("JobName", "StreamName").containsEntry("JobName", "it");
            assertThat(last.value()).isZero();
            assertThat(last.unit()).isEqualTo("Milliseconds");
          });
    }
  }

  private static long metricSum(String name, String query) {
    return (long) cloudWatch.data().stream()
        .filter(d -> d.name().equals(name) && query.equals(d.dimensions().get("Query")))
        .mapToDouble(LoopbackCloudWatch.Datum::value).sum();
  }

  private static long read(StreamingQueries job) {
    return java.util.Arrays.stream(job.query("events").recentProgress())
        .mapToLong(org.apache.spark.sql.streaming.StreamingQueryProgress::numInputRows).sum();
  }

  private static Instant time(OutgoingRecord r) {
    return r.event() instanceof GpsFix f ? f.timestamp() : ((SensorReading) r.event()).timestamp();
  }

}
