package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.runtime.BatchAccounting;
import com.fleetstream.jobs.runtime.StreamingQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Delta among the sinks the per-device queries read the events query's Delta tables, without it
 * the stream: adding Delta to a running deployment's {@code SINKS} leaves their checkpoints made for
 * another source. The job stops naming the query and what to do; with those checkpoints moved aside
 * the queries rebuild from what Delta holds.
 */
class SinksChangeIT {
  private static final String STREAM = "sinks-change";

  @RegisterExtension
  static final StreamServers servers = new StreamServers("sinks_change_test");

  @TempDir
  Path work;

  @Test
  void addingDeltaToTheSinksRefusesThePerDeviceCheckpointsWithAdvice() throws Exception {
    servers.kinesis().createStream(STREAM, 1);
    SparkSession spark = SparkTestSession.get();
    List<String> args = TestJobArgs.streaming(servers.kinesis(), STREAM, "1 hour", work, servers.db());
    TestRecords.put(servers.kinesis(), STREAM, "k",
        List.of(TestRecords.fix("e1", "v-1", "2026-03-02T06:00:00Z", 52.5, 13.4, 10.0)));
    LocationStreamingJob.run(spark, LocationJobConfig.parse(TestJobArgs.withoutDelta(args).toArray(String[]::new)));

    TestRecords.put(servers.kinesis(), STREAM, "k",
        List.of(TestRecords.fix("e2", "v-1", "2026-03-02T06:01:00Z", 52.5, 13.4, 10.0)));
    assertThatThrownBy(() -> LocationStreamingJob.run(spark, LocationJobConfig.parse(args.toArray(String[]::new))))
        .hasMessageStartingWith("query location-")
        .hasMessageContaining("cannot resume from its checkpoint file://" + work.resolve("checkpoints/location/"))
        .hasMessageContaining("it reads other sources than the checkpoint was made with")
        .hasMessageContaining("With delta in --SINKS the windows, trips and alerts queries read the events query's"
            + " Delta tables");

    for (String query : List.of("windows", "trips")) {
      Files.move(work.resolve("checkpoints/location/" + query),
          work.resolve("checkpoints/location/" + query + ".before-delta"));
    }
    StreamingQueries rebuilt = LocationStreamingJob.run(spark, LocationJobConfig.parse(args.toArray(String[]::new)));
    // the events query kept its checkpoint: e1 only in Parquet and PostgreSQL, e2 everywhere; the
    // per-device queries read what Delta holds, e2, and nothing from Kinesis
    for (String query : List.of("windows", "trips")) {
      assertThat(Arrays.stream(rebuilt.query(query).recentProgress()).mapToLong(BatchAccounting::rowsRead).sum())
          .as(query).isEqualTo(1);
    }
    assertThat(KinesisReads.of(rebuilt, "windows", "trips")).isZero();
    SinkContents sinks = new SinkContents(spark, work.resolve("out").toUri().toString(),
        work.resolve("out/delta").toUri().toString(), servers.db());
    assertThat(SinkContents.render(sinks.delta("location", "events"), "event_id")).containsExactly("e2");
    assertThat(SinkContents.render(sinks.parquet("location", "events"), "event_id"))
        .containsExactlyInAnyOrder("e1", "e2");
  }
}
