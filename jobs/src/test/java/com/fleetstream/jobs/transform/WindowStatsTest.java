package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.TestRecords.fix;
import static com.fleetstream.jobs.TestRecords.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.config.Thresholds;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class WindowStatsTest {
  private static final Instant ARRIVAL = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void vehicleWindowsSumLegsInEventTimeOrderAndSplitAtTheBoundary() {
    List<Row> rows = VehicleWindowStats.aggregate(
            EventValidation.valid(LocationEvents.parse(TestRecords.decoded(ARRIVAL,
                // out of order on purpose: the track is sorted by event time
                fix("c", "truck-1", "2026-01-01T10:01:00Z", 53.0, 10.010, 36.0),
                fix("a", "truck-1", "2026-01-01T10:00:00Z", 53.0, 10.000, 0.0),
                fix("d", "truck-1", "2026-01-01T10:59:50Z", 53.0, 10.500, 80.0),
                fix("b", "truck-1", "2026-01-01T10:00:30Z", 53.0, 10.005, 36.0),
                fix("e", "truck-1", "2026-01-01T11:00:10Z", 53.0, 10.510, 70.0),
                fix("x", "truck-2", "2026-01-01T10:30:00Z", 40.0, -3.0, 0.5)), TestRecords.MAX_EVENT_AGE)),
            SparkDuration.parse("1 hour"), 1.0)
        .orderBy("vehicle_id", "window_start").collectAsList();

    assertThat(rows).hasSize(3);
    Row first = rows.get(0);
    assertThat(first.<String>getAs("vehicle_id")).isEqualTo("truck-1");
    assertThat(first.getAs("window_start").toString()).isEqualTo("2026-01-01 10:00:00.0");
    assertThat(first.getAs("window_end").toString()).isEqualTo("2026-01-01 11:00:00.0");
    assertThat(first.<Long>getAs("fix_count")).isEqualTo(4L);
    double expectedKm = GreatCircle.haversineKm(53.0, 10.000, 53.0, 10.005) + GreatCircle.haversineKm(53.0, 10.005, 53.0, 10.010)
        + GreatCircle.haversineKm(53.0, 10.010, 53.0, 10.500);
    assertThat(first.<Double>getAs("distance_km")).isCloseTo(expectedKm, within(1e-9));
    assertThat(first.<Double>getAs("avg_speed_kmh")).isEqualTo(38.0);
    assertThat(first.<Double>getAs("max_speed_kmh")).isEqualTo(80.0);
    assertThat(first.<Double>getAs("idle_minutes")).isCloseTo(0.5, within(1e-9));
    assertThat(first.<Double>getAs("driving_minutes")).isCloseTo(59.0 + 50.0 / 60 - 0.5, within(1e-9));
    assertThat(first.getAs("first_event_time").toString()).isEqualTo("2026-01-01 10:00:00.0");
    assertThat(first.<Double>getAs("first_longitude")).isEqualTo(10.0);
    assertThat(first.getAs("last_event_time").toString()).isEqualTo("2026-01-01 10:59:50.0");
    assertThat(first.<Double>getAs("last_longitude")).isEqualTo(10.5);

    Row second = rows.get(1);
    assertThat(second.getAs("window_start").toString()).isEqualTo("2026-01-01 11:00:00.0");
    assertThat(List.of(second.getAs("fix_count"), second.getAs("distance_km"), second.getAs("idle_minutes"),
        second.getAs("driving_minutes"))).containsExactly(1L, 0.0, 0.0, 0.0);

    Row idle = rows.get(2);
    assertThat(List.<Object>of(idle.getAs("vehicle_id"), idle.getAs("fix_count"), idle.getAs("distance_km")))
        .containsExactly("truck-2", 1L, 0.0);
  }

  @Test
  void sensorWindowsLeaveBreachesOutOfTheStatisticsAndCountThem() {
    List<Row> rows = SensorWindowStats.aggregate(ThresholdBreaches.flag(
            EventValidation.valid(SensorEvents.parse(TestRecords.decoded(ARRIVAL,
                reading("r1", "s1", "2026-01-01T10:00:00Z", "temperature", 20.0),
                reading("r2", "s1", "2026-01-01T10:02:00Z", "temperature", 22.0),
                reading("r3", "s1", "2026-01-01T10:04:59Z", "temperature", 45.0),
                reading("r4", "s1", "2026-01-01T10:05:00Z", "temperature", 19.0)), TestRecords.MAX_EVENT_AGE)),
            Thresholds.parse(Thresholds.DEFAULT)), SparkDuration.parse("5 minutes"))
        .orderBy("window_start")
        .selectExpr("sensor_id", "metric", "CAST(window_start AS STRING)", "CAST(window_end AS STRING)",
            "reading_count", "min_value", "max_value", "avg_value", "breach_count")
        .collectAsList();

    assertThat(rows).extracting(r -> r.toSeq().toList().toString()).containsExactly(
        "List(s1, temperature, 2026-01-01 10:00:00, 2026-01-01 10:05:00, 2, 20.0, 22.0, 21.0, 1)",
        "List(s1, temperature, 2026-01-01 10:05:00, 2026-01-01 10:10:00, 1, 19.0, 19.0, 19.0, 0)");
  }
}
