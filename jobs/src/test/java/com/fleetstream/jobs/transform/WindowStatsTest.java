package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.TestRecords.fix;
import static com.fleetstream.jobs.TestRecords.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.config.DeviceTime;
import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.config.Thresholds;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

  /**
   * The streaming fold against the batch computation over everything sent: three vehicles over three
   * hours, a fix every 20 s (some without speed), shuffled within WINDOW_WATERMARK, repeated, cut into
   * random batches; truck-3 loses coverage at 09:50 and flushes the rest of its drive only after the
   * others have finished (store-and-forward); each batch's
   * state goes through what the state store keeps. Every window row is the batch one.
   */
  @Test
  void streamingWindowsOnEachVehiclesClockEqualTheBatchComputationWhateverTheBatches() throws Exception {
    Random random = new Random(11);
    List<Row> sent = new ArrayList<>();
    Instant start = Instant.parse("2026-01-01T09:00:00Z");
    for (String vehicle : List.of("truck-1", "truck-2", "truck-3")) {
      double lon = 10;
      for (int i = 0; i < 3 * 180; i++) {
        Double speed = i % 17 == 0 ? null : (double) random.nextInt(3) * 30;
        lon += speed == null ? 0.001 : speed / 60_000;
        sent.add(RowFactory.create(vehicle, Timestamp.from(start.plusSeconds(20L * i)), vehicle + "-" + i, 53.0,
            lon, speed));
      }
    }
    List<Row> expected = VehicleWindowStats.aggregate(SparkTestSession.get().createDataFrame(sent, new StructType()
            .add("vehicle_id", DataTypes.StringType).add("event_time", DataTypes.TimestampType)
            .add("event_id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
            .add("longitude", DataTypes.DoubleType).add("speed_kmh", DataTypes.DoubleType)),
        SparkDuration.parse("1 hour"), 1.0).collectAsList();

    // arrival: the fleet in time order, shuffled within 5 minutes, with retries; truck-3's buffered fixes last
    List<Row> arriving = new ArrayList<>();
    List<Row> flushed = new ArrayList<>();
    for (Row r : sent) {
      boolean buffered = r.getTimestamp(1).toInstant().isAfter(start.plusSeconds(3_000));
      List<Row> into = r.getString(0).equals("truck-3") && buffered ? flushed : arriving;
      into.add(r);
      if (random.nextInt(20) == 0) { // a producer's retry
        into.add(r);
      }
    }
    arriving.sort(java.util.Comparator.comparing((Row r) -> r.getTimestamp(1)));
    for (int i = 0; i + 15 <= arriving.size(); i += 15) {
      Collections.shuffle(arriving.subList(i, i + 15), random);
    }
    arriving.addAll(flushed);

    PerDevice.Clock clock = new PerDevice.Clock(new VehicleWindows.Folds(3_600_000_000L, 1.0), TIME, 1, 6);
    Folded folded = foldInBatches(clock, arriving.stream().map(r -> RowFactory.create(r.getString(0), r.get(1),
        r.get(2), r.get(3), r.get(4), r.get(5), Timestamp.from(ARRIVAL))).toList(), random);

    // every retry came within WINDOW_WATERMARK of its first sending: held still, so a duplicate, not late
    assertThat(folded.counts()).containsExactly(sent.size(), 0, arriving.size() - sent.size());
    assertSameWindows(folded.written(), expected, 2);
  }

  /**
   * The same for sensors: two sensors' temperatures every 30 s for an hour, some beyond the default
   * thresholds, in random batches with repeats; s-2's last half hour flushed after s-1 finished.
   */
  @Test
  void streamingSensorWindowsOnEachSensorsClockEqualTheBatchComputationWhateverTheBatches() throws Exception {
    Random random = new Random(5);
    StructType flaggedSchema = new StructType().add("sensor_id", DataTypes.StringType)
        .add("device_id", DataTypes.StringType).add("metric", DataTypes.StringType).add("unit", DataTypes.StringType)
        .add("event_time", DataTypes.TimestampType).add("event_id", DataTypes.StringType)
        .add("value", DataTypes.DoubleType).add("breach", DataTypes.StringType);
    List<Row> sent = new ArrayList<>();
    Instant start = Instant.parse("2026-01-01T09:00:00Z");
    for (String sensor : List.of("s-1", "s-2")) {
      for (int i = 0; i < 120; i++) {
        double value = 15 + random.nextInt(40);
        sent.add(RowFactory.create(sensor, "trailer-" + sensor, "temperature", "C",
            Timestamp.from(start.plusSeconds(30L * i)), sensor + "-" + i, value, value > 40 ? "above" : null));
      }
    }
    List<Row> expected = SensorWindowStats.aggregate(SparkTestSession.get().createDataFrame(sent, flaggedSchema),
        SparkDuration.parse("5 minutes")).collectAsList();
    List<Row> arriving = new ArrayList<>();
    List<Row> flushed = new ArrayList<>();
    for (Row r : sent) {
      String series = "{\"sensor_id\":\"" + r.getString(0) + "\",\"device_id\":\"" + r.getString(1)
          + "\",\"metric\":\"temperature\",\"unit\":\"C\"}";
      Row in = RowFactory.create(series, r.get(4), r.get(5), r.get(6), !r.isNullAt(7), Timestamp.from(ARRIVAL));
      List<Row> into = r.getString(0).equals("s-2") && r.getTimestamp(4).toInstant().isAfter(start.plusSeconds(1_800))
          ? flushed : arriving;
      into.add(in);
      if (random.nextInt(10) == 0) {
        into.add(in);
      }
    }
    arriving.addAll(flushed);
    PerDevice.Clock clock = new PerDevice.Clock(new SensorWindows.Folds(300_000_000L), TIME, 1, 5);
    Folded folded = foldInBatches(clock, arriving, random);

    assertThat(folded.counts()).containsExactly(sent.size(), 0, arriving.size() - sent.size());
    assertSameWindows(folded.written(), expected, 5);
  }

  private static final DeviceTime TIME = new DeviceTime(Duration.ofMinutes(10), Duration.ofHours(3),
      Duration.ofDays(30));

  /** What a fold wrote, and its counts: kept, late, duplicates. */
  private record Folded(List<Row> written, long[] counts) {}

  /**
   * {@code arriving} (the device in column 0) through {@code clock} in random batches, each device's
   * state through what the state store keeps; then every device falls silent.
   */
  private static Folded foldInBatches(PerDevice.Clock clock, List<Row> arriving, Random random) throws Exception {
    java.util.Map<String, Row> states = new java.util.HashMap<>();
    List<Row> written = new ArrayList<>();
    long[] counts = new long[3];
    int i = 0;
    while (i < arriving.size()) {
      java.util.Map<String, List<Row>> batch = new java.util.TreeMap<>();
      for (int n = 1 + random.nextInt(200); n > 0 && i < arriving.size(); n--, i++) {
        batch.computeIfAbsent(arriving.get(i).getString(0), k -> new ArrayList<>()).add(arriving.get(i));
      }
      for (var e : batch.entrySet()) {
        TestGroupState<Row> state = TestGroupState.create(java.util.Optional.ofNullable(states.get(e.getKey()))
            .map(org.apache.spark.api.java.Optional::of).orElse(org.apache.spark.api.java.Optional.empty()),
            GroupStateTimeout.EventTimeTimeout(), 0, org.apache.spark.api.java.Optional.of(0L), false);
        for (Row out : (Iterable<Row>) () -> clock.call(e.getKey(), e.getValue().iterator(), state)) {
          if (out.isNullAt(out.size() - 4)) { // no window_end: a counts row
            for (int c = 0; c < 3; c++) {
              counts[c] += out.getLong(out.size() - 3 + c);
            }
          } else {
            written.add(out);
          }
        }
        states.put(e.getKey(), state.get());
      }
    }
    for (var e : states.entrySet()) {
      TestGroupState<Row> state = TestGroupState.create(org.apache.spark.api.java.Optional.of(e.getValue()),
          GroupStateTimeout.EventTimeTimeout(), 0, org.apache.spark.api.java.Optional.of(ARRIVAL.toEpochMilli() + 1),
          true);
      clock.call(e.getKey(), Collections.emptyIterator(), state).forEachRemaining(written::add);
    }
    return new Folded(written, counts);
  }

  /** Row for row, the first {@code keyColumns} and window_start naming a row; doubles to 1e-9. */
  private static void assertSameWindows(List<Row> written, List<Row> expected, int keyColumns) {
    assertThat(written).hasSameSizeAs(expected);
    java.util.Map<String, Row> byKey = new java.util.HashMap<>();
    java.util.function.Function<Row, String> key = r -> {
      StringBuilder k = new StringBuilder();
      for (int c = 0; c < keyColumns; c++) {
        k.append(r.get(c)).append('@');
      }
      return k.toString();
    };
    written.forEach(r -> byKey.put(key.apply(r), r));
    for (Row want : expected) {
      Row got = byKey.get(key.apply(want));
      assertThat(got).as("window %s", key.apply(want)).isNotNull();
      for (int f = 0; f < want.size(); f++) {
        String what = want.schema().fieldNames()[f] + " of " + key.apply(want);
        if (want.get(f) instanceof Double d) {
          assertThat(got.getDouble(f)).as(what).isCloseTo(d, within(1e-9));
        } else {
          assertThat(got.get(f)).as(what).isEqualTo(want.get(f));
        }
      }
    }
  }
}
