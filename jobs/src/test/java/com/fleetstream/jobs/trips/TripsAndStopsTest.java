package com.fleetstream.jobs.trips;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.DeviceTime;
import com.fleetstream.jobs.transform.PerDevice;
import com.fleetstream.jobs.trips.TripDetector.Fix;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.junit.jupiter.api.Test;

/**
 * The per-vehicle state function ({@link PerDevice} with the trip detector) with Spark's
 * {@link TestGroupState}: what it holds, on whose clock, when it wakes up, what it writes.
 */
class TripsAndStopsTest {
  private static final DeviceTime TIME = new DeviceTime(Duration.ofMinutes(1), Duration.ofHours(3),
      Duration.ofDays(30));
  private static final PerDevice.Clock DETECTION = new PerDevice.Clock(
      new TripsAndStops.Detection(TripDetectorTest.RULES, List.of()), TIME, 1, 7);

  private static TestGroupState<Row> state(Row stored, long watermark, boolean timedOut) {
    return TestGroupState.create(stored == null ? Optional.empty() : Optional.of(stored),
        GroupStateTimeout.EventTimeTimeout(), 0, Optional.of(watermark), timedOut);
  }

  /** Rows as the query's select gives them: vehicle, event_time, event_id, latitude, longitude, speed, engine, arrival. */
  private static Iterator<Row> rows(List<Fix> fixes, long arrival) {
    List<Row> rows = new ArrayList<>();
    fixes.forEach(f -> rows.add(RowFactory.create("truck-1", new Timestamp(f.time()), f.eventId(), f.latitude(),
        f.longitude(), f.speedKmh(), f.engine(), new Timestamp(arrival))));
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

  private static List<Fix> pending(TestGroupState<Row> state) {
    return TripsAndStops.state(state.get().getStruct(3)).pending();
  }

  @Test
  void fixesAreHeldUntilTheVehiclesOwnClockPassesThemAndASilentVehiclesTripEndsWhenTheStreamMovesOn() throws Exception {
    Drive d = TripDetectorTest.drive().stand(60, 0).drive(300, 36);
    long arrival = Instant.parse("2026-12-07T06:00:00Z").toEpochMilli(); // the vehicle's clock is its own
    long last = d.fix(71).time();

    // the vehicle's clock is at its last fix: the fixes of its last minute are held, the rest taken
    TestGroupState<Row> held = state(null, arrival - 1, false);
    assertThat(out(DETECTION.call("truck-1", rows(d.fixes(), arrival), held))).containsExactly(
        "truck-1|stop|2026-03-02T08:00:00Z|stop|truck-1|2026-03-02T08:00:00Z|2026-03-02T08:00:55Z|52.52|13.4|52.52|"
            + "13.4|0.92|null|null|null|null|null|null|null|null");
    assertThat(pending(held)).hasSize(13); // its last minute, both ends included
    assertThat(held.getTimeoutTimestampMs().get()).isEqualTo(arrival);

    // stream time passed MAX_DEVICE_DELAY with nothing from it: the trip ends at its last fix
    TestGroupState<Row> closed = state(held.get(), arrival + 1, true);
    assertThat(out(DETECTION.call("truck-1", List.<Row>of().iterator(), closed))).singleElement().asString()
        .startsWith("truck-1|trip|2026-03-02T08:00:55Z|trip|truck-1|")
        .endsWith("|5.0|3.0|5.0|0.0|36.0|36.0|61|gap|null");
    assertThat(pending(closed)).isEmpty();
    assertThat(closed.getTimeoutTimestampMs().get())
        .isEqualTo(arrival + TIME.retention().toMillis() - TIME.maxDelay().toMillis());

    // a fix of that trip arriving after it was closed is counted out of order, and changes nothing
    TestGroupState<Row> after = state(closed.get(), arrival + 2, false);
    assertThat(out(DETECTION.call("truck-1", rows(List.of(d.fix(50)), arrival + 3), after))).containsExactly(
        "|skipped:out_of_order|truck-1|1970-01-01T00:00:00Z|1970-01-01T00:00:00Z|null|null|null|null|null|null|null"
            + "|null|null|null|null|null|null");

    TestGroupState<Row> closedAgain = state(after.get(), arrival + 4, true);
    assertThat(out(DETECTION.call("truck-1", List.<Row>of().iterator(), closedAgain))).isEmpty();
    TestGroupState<Row> forgotten = state(closedAgain.get(), arrival + TIME.retention().toMillis(), true);
    assertThat(out(DETECTION.call("truck-1", List.<Row>of().iterator(), forgotten))).isEmpty();
    assertThat(forgotten.isRemoved()).isTrue();
  }
}
