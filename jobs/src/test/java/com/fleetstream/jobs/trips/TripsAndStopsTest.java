package com.fleetstream.jobs.trips;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.trips.TripDetector.Fix;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.junit.jupiter.api.Test;

/** The per-vehicle state function with Spark's {@link TestGroupState}: what it holds, when it wakes up, what it writes. */
class TripsAndStopsTest {
  private static final TripsAndStops.Detection DETECTION = new TripsAndStops.Detection(TripDetectorTest.RULES,
      List.of());

  private static TestGroupState<Row> state(Row stored, long watermark, boolean timedOut) {
    return TestGroupState.create(stored == null ? Optional.empty() : Optional.of(stored),
        GroupStateTimeout.EventTimeTimeout(), 0, Optional.of(watermark), timedOut);
  }

  /** Rows as the query's select gives them: vehicle, event_time, event_id, latitude, longitude, speed, engine. */
  private static Iterator<Row> rows(List<Fix> fixes) {
    List<Row> rows = new ArrayList<>();
    fixes.forEach(f -> rows.add(RowFactory.create("truck-1", new Timestamp(f.time()), f.eventId(), f.latitude(),
        f.longitude(), f.speedKmh(), f.engine())));
    return rows.iterator();
  }

  private static List<String> out(Iterator<Row> rows) {
    List<String> out = new ArrayList<>();
    rows.forEachRemaining(r -> {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        values.add(r.get(i) instanceof Timestamp t ? t.toInstant().toString() : String.valueOf(r.get(i)));
      }
      out.add(String.join("|", values));
    });
    return out;
  }

  @Test
  void fixesAreHeldUntilTheWatermarkPassesThemAndASilentVehiclesTripEndsOnTimeout() throws Exception {
    Drive d = TripDetectorTest.drive().stand(60, 0).drive(300, 36);
    long first = d.fix(0).time();
    long last = d.fix(71).time();

    TestGroupState<Row> held = state(null, first - 1, false);
    assertThat(out(DETECTION.call("truck-1", rows(d.fixes()), held))).isEmpty();
    assertThat(TripsAndStops.state(held.get()).pending()).hasSize(72);
    assertThat(held.getTimeoutTimestampMs().get()).isEqualTo(first);

    // the watermark passed every fix: the stop before the trip is written, the trip waits for the gap
    TestGroupState<Row> taken = state(held.get(), last + 1, true);
    assertThat(out(DETECTION.call("truck-1", List.<Row>of().iterator(), taken))).containsExactly(
        "truck-1|stop|2026-03-02T08:00:00Z|stop|truck-1|2026-03-02T08:00:00Z|2026-03-02T08:00:55Z|52.52|13.4|52.52|"
            + "13.4|0.92|null|null|null|null|null|null|null|null");
    assertThat(TripsAndStops.state(taken.get()).pending()).isEmpty();
    assertThat(taken.getTimeoutTimestampMs().get()).isEqualTo(last + TripDetectorTest.RULES.gap().toMillis());

    TestGroupState<Row> ended = state(taken.get(), last + TripDetectorTest.RULES.gap().toMillis() + 1, true);
    assertThat(out(DETECTION.call("truck-1", List.<Row>of().iterator(), ended))).singleElement().asString()
        .startsWith("truck-1|trip|2026-03-02T08:00:55Z|trip|truck-1|")
        .endsWith("|5.0|3.0|5.0|0.0|36.0|36.0|61|gap|null");
    assertThat(ended.getTimeoutTimestampMs().get()).isEqualTo(last + TripDetectorTest.RULES.forgetAfter().toMillis());

    TestGroupState<Row> forgotten = state(ended.get(), last + TripDetectorTest.RULES.forgetAfter().toMillis() + 1, true);
    assertThat(out(DETECTION.call("truck-1", List.<Row>of().iterator(), forgotten))).isEmpty();
    assertThat(forgotten.isRemoved()).isTrue();
  }
}
