package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.LocationJobConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts SNS would refuse, and an SNS outage, against the location job: neither stops ingestion.
 * Vehicle ids validation lets through (200 characters, a control character) get subjects SNS takes;
 * an alert SNS still refuses for its content is marked failed and the next one is published; an
 * SNS that answers 500 past the SDK's retries fails the alerts query, which the job restarts from its
 * checkpoint while the events query goes on.
 */
class AlertFailuresIT {
  private static final Instant START = Instant.parse("2026-05-04T08:00:00Z");
  private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:fleet-alerts";
  private static final String LONG_ID = "v-" + "x".repeat(198);

  @RegisterExtension
  static final StreamServers servers = new StreamServers("alert_failures_test", TOPIC);

  @TempDir
  static Path work;

  @Test
  void anAlertSnsRefusesIsMarkedFailedAndNeitherItNorAnSnsOutageStopsIngestion() throws IOException {
    servers.kinesis().createStream("odd-locations", 1);
    SparkSession spark = SparkTestSession.get();
    Path geofences = TestRecords.depotGeofence(work);

    // phase 1: ids SNS would refuse in a subject as they are
    TestRecords.put(servers.kinesis(), "odd-locations", "k", List.of(
        outside("a0", LONG_ID, 0), inDepot("a1", LONG_ID, 1),
        outside("b0", "v-bell\\u0007", 0), inDepot("b1", "v-bell\\u0007", 2)));
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args(geofences)));
    assertThat(servers.sns().requests()).extracting(r -> r.get("Subject")).containsExactly(
        ("fleetstream location alert: enter geofence:depot " + LONG_ID).substring(0, 96) + "...",
        "fleetstream location alert: enter geofence:depot v-bell?");

    // phase 2: SNS refuses the next alert's message, then is down past the SDK's six attempts
    servers.sns().reset();
    servers.sns().failNext(1, 400, "InvalidParameter");
    servers.sns().failNext(6, 500, "InternalError");
    TestRecords.put(servers.kinesis(), "odd-locations", "k", List.of(
        outside("c0", "v-refused", 2), inDepot("c1", "v-refused", 3),
        outside("d0", "v-ok", 3), inDepot("d1", "v-ok", 4)));
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args(geofences))); // returns: the job did not fail

    assertThat(servers.sns().requests()).extracting(r -> r.get("Subject")).containsExactly(
        "fleetstream location alert: enter geofence:depot v-refused",
        "fleetstream location alert: enter geofence:depot v-ok",
        "fleetstream location alert: enter geofence:depot v-ok",
        "fleetstream location alert: enter geofence:depot v-ok",
        "fleetstream location alert: enter geofence:depot v-ok",
        "fleetstream location alert: enter geofence:depot v-ok",
        "fleetstream location alert: enter geofence:depot v-ok",
        "fleetstream location alert: enter geofence:depot v-ok"); // after the alerts query's restart
    assertThat(TestPostgres.rows(servers.db(), "SELECT left(entity_id, 10), status, publish_error FROM fleet.alerts"
        + " ORDER BY event_time")).containsExactly(
            row(LONG_ID.substring(0, 10), "published", null),
            row("v-bell\u0007", "published", null),
            row("v-refused", "failed", "InvalidParameter: InvalidParameter (loopback)"),
            row("v-ok", "published", null));
    assertThat(TestPostgres.rows(servers.db(), "SELECT left(vehicle_id, 10), count(*) FROM fleet.vehicle_position_history"
        + " GROUP BY 1 ORDER BY 1")).containsExactly(
            row("v-bell\u0007", 2L), row("v-ok", 2L), row("v-refused", 2L), row(LONG_ID.substring(0, 10), 2L));
  }

  /**
   * SNS takes an alert, and PostgreSQL drops the publisher's connection before the alert is marked:
   * the retried publication marks it with the message id SNS gave instead of sending it again.
   */
  @Test
  void anAlertSnsTookIsMarkedNotSentAgainWhenPostgresDropsTheConnectionBeforeItsMark() throws IOException {
    servers.kinesis().createStream("mark-locations", 1);
    Path geofences = TestRecords.depotGeofence(work);
    AtomicReference<List<List<Object>>> dropped = new AtomicReference<>();
    servers.sns().beforeNextAcceptance(() -> dropped.set(TestPostgres.rows(servers.db(),
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")));
    TestRecords.put(servers.kinesis(), "mark-locations", "k", List.of(
        outside("e0", "v-once", 5), inDepot("e1", "v-once", 6)));
    int before = servers.sns().requests().size();

    LocationStreamingJob.run(SparkTestSession.get(), LocationJobConfig.parse(args(geofences, "mark-locations")));

    assertThat(dropped.get()).as("the publisher's session, ended as SNS took its message")
        .containsExactly(List.of(true));
    List<Map<String, String>> sent = servers.sns().requests().subList(before, servers.sns().requests().size());
    assertThat(sent).extracting(r -> r.get("Subject"))
        .containsExactly("fleetstream location alert: enter geofence:depot v-once");
    assertThat(TestPostgres.rows(servers.db(),
        "SELECT status, sns_message_id FROM fleet.alerts WHERE entity_id = 'v-once'"))
        .containsExactly(row("published", "msg-" + servers.sns().requests().size()));
  }

  private static String[] args(Path geofences) {
    return args(geofences, "odd-locations");
  }

  private static String[] args(Path geofences, String stream) {
    List<String> args = TestJobArgs.withoutDelta(TestJobArgs.streaming(servers.kinesis(), stream, "10 minutes",
        work.resolve(stream), servers.db()));
    args.addAll(List.of("--GEOFENCES", geofences.toUri().toString(), "--ALERTS_TOPIC_ARN", TOPIC,
        "--SNS_ENDPOINT", servers.sns().endpoint().toString(), "--ALERT_MIN_INTERVAL", "0 seconds"));
    return args.toArray(String[]::new);
  }

  private static String outside(String eventId, String vehicle, int minute) {
    return TestRecords.fix(eventId, vehicle, START.plusSeconds(60L * minute).toString(), 52.5300, 13.4050, 30);
  }

  private static String inDepot(String eventId, String vehicle, int minute) {
    return TestRecords.fix(eventId, vehicle, START.plusSeconds(60L * minute).toString(), 52.5200, 13.4050, 30);
  }

  private static List<Object> row(Object... values) {
    return java.util.Arrays.asList(values);
  }
}
