package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.runtime.BatchAccounting;
import com.fleetstream.jobs.runtime.StreamingQueries;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The geofence state machine's bookkeeping: a fix older than its vehicle's last is counted as out of
 * order, and a vehicle silent for ALERT_STATE_TIMEOUT leaves the state store.
 */
class AlertStateIT {
  private static final Instant START = Instant.parse("2026-06-01T07:00:00Z");

  @RegisterExtension
  static final StreamServers servers = new StreamServers("alert_state_test");

  @TempDir
  static Path work;

  @Test
  void outOfOrderFixesAreCountedAndASilentVehiclesStateTimesOut() throws Exception {
    servers.kinesis().createStream("state-locations", 1);
    SparkSession spark = SparkTestSession.get();
    Path geofences = TestRecords.depotGeofence(work);

    TestRecords.put(servers.kinesis(), "state-locations", "k", List.of(fix("g1", "v-gone", 0), fix("s5", "v-stays", 5)));
    StreamingQuery first = run(spark, geofences).query("alerts");
    assertThat(first.lastProgress().stateOperators()[0].numRowsTotal()).isEqualTo(2);

    Thread.sleep(3_000); // past ALERT_STATE_TIMEOUT, in processing time
    // v-stays goes on, with one fix older than its last (minute 5); v-gone sends nothing
    TestRecords.put(servers.kinesis(), "state-locations", "k", List.of(fix("s6", "v-stays", 6), fix("s3", "v-stays", 3)));
    StreamingQuery second = run(spark, geofences).query("alerts");

    assertThat(outOfOrder(first)).isZero();
    assertThat(outOfOrder(second)).isEqualTo(1);
    assertThat(second.lastProgress().stateOperators()[0].numRowsTotal()).isEqualTo(1);
  }

  private static StreamingQueries run(SparkSession spark, Path geofences) {
    List<String> args = TestJobArgs.withoutDelta(TestJobArgs.streaming(servers.kinesis(), "state-locations",
        "10 minutes", work, servers.db()));
    args.addAll(List.of("--GEOFENCES", geofences.toUri().toString(), "--ALERT_STATE_TIMEOUT", "2 seconds"));
    return LocationStreamingJob.run(spark, LocationJobConfig.parse(args.toArray(String[]::new)));
  }

  private static long outOfOrder(StreamingQuery alerts) {
    return Arrays.stream(alerts.recentProgress()).map(p -> BatchAccounting.counts(p, Map.of()).outOfOrder())
        .filter(n -> n != null).mapToLong(Long::longValue).sum();
  }

  private static String fix(String eventId, String vehicle, int minute) {
    return TestRecords.fix(eventId, vehicle, START.plusSeconds(60L * minute).toString(), 52.5300, 13.4050, 30);
  }
}
