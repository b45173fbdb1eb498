package com.fleetstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.geo.Geofence;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.source.GeofenceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertConfigTest {
  private static final String DEPOT = """
      {"geofence_id": "depot", "name": "Depot", "type": "circle",
       "center": {"latitude": 52.52, "longitude": 13.405}, "radius_meters": 500, "alert_on": "exit"}""";
  private static final String SQUARE = """
      {"geofence_id": "square", "type": "polygon",
       "points": [{"latitude": 0, "longitude": 0}, {"latitude": 0, "longitude": 1},
                  {"latitude": 1, "longitude": 1}, {"latitude": 1, "longitude": 0}]}""";

  @TempDir
  Path dir;

  @Test
  void alertArgumentsAreReadAndChecked() {
    SensorJobConfig sensor = SensorJobConfig.parse("--SINKS", "parquet,postgres", "--PG_JDBC_URL", "jdbc:postgresql://h/db",
        "--ALERTS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:alerts", "--ALERT_CONSECUTIVE_READINGS", "5",
        "--ALERT_MIN_INTERVAL", "2 minutes", "--ALERTS_MAX_PER_BATCH", "7");
    AlertsConfig alerts = sensor.streaming().alerts();
    assertThat(alerts.topicArn()).contains("arn:aws:sns:eu-west-1:123456789012:alerts");
    assertThat(alerts.minInterval().value()).isEqualTo(Duration.ofMinutes(2));
    assertThat(alerts.maxPerBatch()).isEqualTo(7);
    assertThat(sensor.alertConsecutiveReadings()).isEqualTo(5);
    assertThat(LocationJobConfig.parse("--SINKS", "parquet").streaming().alerts().topicArn()).isEmpty();

    assertThatThrownBy(() -> LocationJobConfig.parse("--SINKS", "parquet", "--ALERTS_TOPIC_ARN", "arn:aws:sns:x"))
        .hasMessage("--ALERTS_TOPIC_ARN needs postgres in SINKS: the alerts table is the publisher's outbox");
    assertThatThrownBy(() -> LocationJobConfig.parse("--SINKS", "parquet", "--ALERTS_TOPIC_ARN", "alerts"))
        .hasMessage("--ALERTS_TOPIC_ARN must be an SNS topic ARN, got 'alerts'");
    assertThatThrownBy(() -> SensorJobConfig.parse("--SINKS", "parquet", "--ALERT_CONSECUTIVE_READINGS", "0"))
        .hasMessage("--ALERT_CONSECUTIVE_READINGS must be within 1..10000, got 0");
    assertThatThrownBy(() -> LocationJobConfig.parse("--SINKS", "parquet", "--GEOFENCES", "fences.json"))
        .hasMessageStartingWith("--GEOFENCES must be a URI with a scheme");
  }

  @Test
  void geofencesContainWhatTheySay() {
    List<Geofence> fences = Geofence.parseAll("[" + DEPOT + "," + SQUARE + "]");
    Geofence depot = fences.get(0);
    Geofence square = fences.get(1);
    assertThat(depot.contains(52.52, 13.405)).isTrue();
    assertThat(depot.contains(52.5244, 13.405)).isTrue(); // 489 m north
    assertThat(depot.contains(52.5246, 13.405)).isFalse(); // 511 m north
    assertThat(depot.alertOn()).isEqualTo(Geofence.AlertOn.EXIT);
    assertThat(square.contains(0.5, 0.5)).isTrue();
    assertThat(square.contains(0.5, 1.5)).isFalse();
    assertThat(square.contains(-0.1, 0.5)).isFalse();
    assertThat(square.alertOn()).isEqualTo(Geofence.AlertOn.BOTH);
    assertThat(square.name()).isEqualTo("square");
  }

  @Test
  void aBadGeofencesFileStopsTheJobNamingTheFenceAndField() throws IOException {
    Path file = dir.resolve("fences.json");
    String uri = file.toUri().toString();
    for (String[] bad : new String[][] {
        {"{}", "expected a JSON array of geofences"},
        {"[" + DEPOT.replace("\"circle\"", "\"hexagon\"") + "]",
            "geofence 'depot': type is 'hexagon', expected one of [circle, polygon]"},
        {"[" + DEPOT.replace("500", "-1") + "]", "geofence 'depot': radius_meters must be greater than 0"},
        {"[" + DEPOT.replace("52.52", "95") + "]", "geofence 'depot': latitude 95.0 is outside [-90, 90]"},
        {"[" + DEPOT + "," + DEPOT + "]", "geofence_id 'depot' appears twice"},
        {"[{\"geofence_id\": \"square\", \"type\": \"polygon\", \"points\": [{\"latitude\": 0, \"longitude\": 0},"
            + " {\"latitude\": 0, \"longitude\": 1}]}]",
            "geofence 'square': a polygon needs at least 3 points {latitude, longitude}"},
        {"[{\"type\": \"circle\"}]", "geofence #0: geofence_id is missing"},
        {"[" + DEPOT.replace("\"exit\"", "\"leave\"") + "]",
            "geofence 'depot': alert_on is 'leave', expected one of [enter, exit, both]"},
        {"[{", "not valid JSON"}}) {
      Files.writeString(file, bad[0]);
      assertThatThrownBy(() -> GeofenceFile.read(SparkTestSession.get(), uri))
          .as(bad[0]).hasMessageStartingWith("--GEOFENCES " + uri + ": " + bad[1]);
    }
    assertThatThrownBy(() -> GeofenceFile.read(SparkTestSession.get(), dir.resolve("absent.json").toUri().toString()))
        .hasMessageStartingWith("--GEOFENCES cannot read ");
  }
}
