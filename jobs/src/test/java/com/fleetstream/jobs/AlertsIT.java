package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.sink.BatchSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted vehicle crosses a circular geofence twice (and flaps on its edge in between) and enters
 * a polygon; a sensor breaches, recovers and breaches again. Both jobs run over two phases of the
 * script; the second phase's alert batch dies right after publishing, and the job restarts its alerts
 * query, which replays the batch. SNS must get
 * exactly the expected messages, in order, once each; PostgreSQL must hold every transition with
 * what became of it.
 */
class AlertsIT {
  private static final Instant START = Instant.parse("2026-04-01T10:00:00Z");
  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:fleet-alerts";
  private static final double[] OUT = {52.5300, 13.4050};
  private static final double[] DEPOT = {52.5200, 13.4050};
  private static final double[] ZONE = {52.5400, 13.4300};

  @RegisterExtension
  static final StreamServers servers = new StreamServers("alerts_test", TOPIC);

  @TempDir
  static Path work;

  @Test
  void transitionsArePublishedOnceInOrderAndRateLimited() throws IOException {
    servers.kinesis().createStream("alert-locations", 1);
    servers.kinesis().createStream("alert-sensors", 1);
    SparkSession spark = SparkTestSession.get();
    Path geofences = work.resolve("geofences.json");
    Files.writeString(geofences, """
        [{"geofence_id": "depot", "name": "Depot", "type": "circle",
          "center": {"latitude": 52.52, "longitude": 13.405}, "radius_meters": 500, "alert_on": "both"},
         {"geofence_id": "zone-b", "name": "Zone B", "type": "polygon", "alert_on": "enter",
          "points": [{"latitude": 52.539, "longitude": 13.429}, {"latitude": 52.539, "longitude": 13.431},
                     {"latitude": 52.541, "longitude": 13.431}, {"latitude": 52.541, "longitude": 13.429}]}]
        """);
    double[][] route = {OUT, OUT, DEPOT, DEPOT, OUT, DEPOT, OUT, OUT, ZONE, OUT, DEPOT, OUT};
    double[] temperatures = {20, 35, 36, 37, 38, 25, 31, 32, 20, 33, 34, 35, 10};

    List<String> locations = new ArrayList<>();
    for (int m = 0; m < route.length; m++) {
      locations.add(TestRecords.fix("fix-" + m, "v-geo", at(m), route[m][0], route[m][1], 30));
    }
    List<String> readings = new ArrayList<>();
    for (int m = 0; m < temperatures.length; m++) {
      readings.add(TestRecords.reading("r-" + m, "s-hot", at(m), "temperature", temperatures[m]));
    }
    readings.add(4, readings.get(3)); // a producer retry: the same reading again

    // phase 1: minutes 0-6, state carried over to phase 2 through the checkpoints
    TestRecords.put(servers.kinesis(), "alert-locations", "v-geo", locations.subList(0, 7));
    TestRecords.put(servers.kinesis(), "alert-sensors", "s-hot", readings.subList(0, 8));
    runBoth(spark, geofences, UnaryOperator.identity());
    assertThat(subjects()).containsExactly(
        "fleetstream location alert: enter geofence:depot v-geo",
        "fleetstream location alert: exit geofence:depot v-geo",
        "fleetstream sensor alert: breach threshold:temperature s-hot",
        "fleetstream sensor alert: recovered threshold:temperature s-hot");

    // phase 2: the location job's alert batch dies right after publishing, then is replayed by the
    // alerts query's restart within the job
    TestRecords.put(servers.kinesis(), "alert-locations", "v-geo", locations.subList(7, locations.size()));
    TestRecords.put(servers.kinesis(), "alert-sensors", "s-hot", readings.subList(8, readings.size()));
    AtomicBoolean crashed = new AtomicBoolean();
    UnaryOperator<BatchSink> crashAfterPublishing = SinkHooks.around(Set.of("sns:alerts"), (sink, rows, count, id) -> {
      long sent = sink.write(rows, count, id);
      if (sent > 0 && crashed.compareAndSet(false, true)) {
        throw new IllegalStateException("injected crash after publishing");
      }
      return sent;
    });
    LocationStreamingJob.run(spark, LocationJobConfig.parse(locationArgs(geofences)), crashAfterPublishing);
    assertThat(crashed).isTrue();
    runBoth(spark, geofences, UnaryOperator.identity());

    assertThat(subjects()).containsExactly(
        "fleetstream location alert: enter geofence:depot v-geo",
        "fleetstream location alert: exit geofence:depot v-geo",
        "fleetstream sensor alert: breach threshold:temperature s-hot",
        "fleetstream sensor alert: recovered threshold:temperature s-hot",
        "fleetstream location alert: enter geofence:zone-b v-geo",
        "fleetstream location alert: enter geofence:depot v-geo",
        "fleetstream location alert: exit geofence:depot v-geo",
        "fleetstream sensor alert: breach threshold:temperature s-hot",
        "fleetstream sensor alert: recovered threshold:temperature s-hot");
    assertThat(servers.sns().requests()).allSatisfy(r -> assertThat(r).containsEntry("TopicArn", TOPIC));
    assertThat(servers.sns().requests().get(0).get("Message")).startsWith("v-geo entered Depot (circle of 500 m)");
    assertThat(servers.sns().requests().get(2).get("Message"))
        .startsWith("s-hot temperature above the limit 30.0 for 3 readings in a row, last 37.0");

    assertThat(TestPostgres.rows(servers.db(), "SELECT job, entity_id, rule, kind, event_time, status FROM fleet.alerts"
        + " ORDER BY job, event_time, rule")).containsExactly(
            alert("location", "v-geo", "geofence:depot", "enter", 2, "published"),
            alert("location", "v-geo", "geofence:depot", "exit", 4, "published"),
            alert("location", "v-geo", "geofence:depot", "enter", 5, "suppressed"), // flapping within 5 minutes
            alert("location", "v-geo", "geofence:depot", "exit", 6, "suppressed"),
            alert("location", "v-geo", "geofence:zone-b", "enter", 8, "published"), // its exit is not asked for
            alert("location", "v-geo", "geofence:depot", "enter", 10, "published"),
            alert("location", "v-geo", "geofence:depot", "exit", 11, "published"),
            alert("sensor", "s-hot", "threshold:temperature", "breach", 3, "published"),
            alert("sensor", "s-hot", "threshold:temperature", "recovered", 5, "published"),
            alert("sensor", "s-hot", "threshold:temperature", "breach", 11, "published"),
            alert("sensor", "s-hot", "threshold:temperature", "recovered", 12, "published"));
    assertThat(spark.read().parquet(work.resolve("out/location/alerts").toUri().toString()).count()).isEqualTo(7);
    assertThat(spark.read().parquet(work.resolve("out/sensor/alerts").toUri().toString()).count()).isEqualTo(4);
  }

  private static void runBoth(SparkSession spark, Path geofences, UnaryOperator<BatchSink> decorate) {
    LocationStreamingJob.run(spark, LocationJobConfig.parse(locationArgs(geofences)), decorate);
    SensorStreamingJob.run(spark, SensorJobConfig.parse(args("alert-sensors", "--ALERT_CONSECUTIVE_READINGS", "3")),
        decorate);
  }

  private static String[] locationArgs(Path geofences) {
    return args("alert-locations", "--GEOFENCES", geofences.toUri().toString());
  }

  private static String[] args(String stream, String... more) {
    List<String> args = TestJobArgs.withoutDelta(TestJobArgs.streaming(servers.kinesis(), stream, "10 minutes", work,
        servers.db()));
    args.addAll(List.of("--ALERTS_TOPIC_ARN", TOPIC, "--SNS_ENDPOINT", servers.sns().endpoint().toString(),
        "--ALERT_MIN_INTERVAL", "5 minutes"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static List<String> subjects() {
    return servers.sns().requests().stream().map(r -> r.get("Subject")).toList();
  }

  private static String at(int minute) {
    return START.plusSeconds(60L * minute).toString();
  }

  private static List<Object> alert(String job, String entity, String rule, String kind, int minute, String status) {
    return List.of(job, entity, rule, kind, Timestamp.from(START.plusSeconds(60L * minute)), status);
  }
}
