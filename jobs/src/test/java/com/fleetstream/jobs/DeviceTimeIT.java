package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.TripRules;
import com.fleetstream.jobs.runtime.BatchAccounting;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.jobs.trips.TripDetector;
import com.fleetstream.jobs.trips.TripDetector.Fix;
import com.fleetstream.jobs.trips.TripsAndStops;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each device keeps its own event time, through Kinesis, the location job and its sinks: a record no
 * device could have sent moves no clock, and a truck that flushes buffered fixes after the rest of the
 * fleet moved on gets the windows and trips of an uninterrupted drive.
 */
class DeviceTimeIT {
  private static final Instant START = Instant.parse("2026-03-02T06:00:00Z");

  @RegisterExtension
  static final StreamServers servers = new StreamServers("device_time_test");

  @TempDir
  Path work;

  /**
   * A fix stamped 2100 is quarantined (it is more than an hour ahead of its arrival); before, it still
   * set the events query's watermark to 2099 for good, and every later fix was tagged late.
   */
  @Test
  void aQuarantinedRecordStampedInTheFutureMovesNoClock() throws Exception {
    String stream = "device-time-future";
    servers.kinesis().createStream(stream, 1);
    SparkSession spark = SparkTestSession.get();
    List<String> first = new ArrayList<>(minutes("v-1", 0, 10));
    first.add(TestRecords.fix("from-2100", "v-2", "2100-01-01T00:00:00Z", 52.5, 13.4, 10.0));
    TestRecords.put(servers.kinesis(), stream, "k", first);
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args(stream, false)));

    TestRecords.put(servers.kinesis(), stream, "k", minutes("v-1", 10, 20));
    StreamingQueries second = LocationStreamingJob.run(spark, LocationJobConfig.parse(args(stream, false)));

    List<BatchAccounting.Counts> batches = Arrays.stream(second.query("events").recentProgress())
        .map(p -> BatchAccounting.counts(p, Map.of())).filter(c -> c.read() > 0).toList();
    assertThat(batches).extracting(BatchAccounting.Counts::late).containsOnly(0L);
    assertThat(batches.stream().mapToLong(BatchAccounting.Counts::kept).sum()).isEqualTo(10);
    SinkContents sinks = new SinkContents(spark, out(), null, servers.db());
    assertThat(sinks.parquet("location", "events").count()).isEqualTo(20);
    assertThat(sinks.parquet("location", "quarantine").select("reason").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactly("timestamp_in_future");
  }

  /**
   * Trucks A and B report every minute for 90 minutes; X, driving the same route, reports minutes 0-19,
   * loses coverage and flushes minutes 20-89 in a later run, after A and B moved on. X's windows and
   * trips are A's, in every sink, and both are what the trip detector makes of everything X sent.
   */
  @Test
  void aTruckThatFlushesBufferedFixesAfterTheFleetMovedOnGetsTheWindowsAndTripsOfAnUninterruptedDrive()
      throws Exception {
    String stream = "device-time-flush";
    servers.kinesis().createStream(stream, 2);
    SparkSession spark = SparkTestSession.get();
    TestRecords.put(servers.kinesis(), stream, "a", minutes("A", 0, 90));
    TestRecords.put(servers.kinesis(), stream, "b", minutes("B", 0, 90));
    TestRecords.put(servers.kinesis(), stream, "x", minutes("X", 0, 20));
    StreamingQueries first = LocationStreamingJob.run(spark, LocationJobConfig.parse(args(stream, true)));
    TestRecords.put(servers.kinesis(), stream, "x", minutes("X", 20, 90));
    StreamingQueries second = LocationStreamingJob.run(spark, LocationJobConfig.parse(args(stream, true)));

    // Kinesis is read once: windows and trips take the events the events query stored in Delta
    String[] queries = {"events", "windows", "trips"};
    assertThat(KinesisReads.of(first, queries)).isEqualTo(200);
    assertThat(KinesisReads.of(second, queries)).isEqualTo(70);

    // each vehicle's clock is at minute 89 less WINDOW_WATERMARK: its 06:00 hour is written, 07:00 open
    SinkContents sinks = new SinkContents(spark, out(), out() + "/delta", servers.db());
    List<Dataset<Row>> windows = List.of(sinks.parquet("location", "window_stats"),
        sinks.delta("location", "window_stats"), sinks.postgres("fleet.vehicle_window_stats"));
    for (Dataset<Row> w : windows) {
      List<String> rows = SinkContents.render(w, SinkContents.VEHICLE_WINDOW_COLUMNS);
      assertThat(rows).hasSize(3);
      assertThat(rows).filteredOn(r -> r.startsWith("A ")).singleElement().asString()
          .startsWith("A 2026-03-02T06:00:00Z 2026-03-02T07:00:00Z 60 ");
      assertThat(rows).filteredOn(r -> r.startsWith("X ")).containsExactlyElementsOf(
          rows.stream().filter(r -> r.startsWith("A ")).map(r -> "X" + r.substring(1)).toList());
    }

    List<String> expected = new ArrayList<>();
    TripDetector detector = new TripDetector(TripRules.from(GlueArgs.parse()));
    fixes("X", 0, 90).forEach(detector::offer);
    for (TripDetector.Segment s : detector.advance(START.plusSeconds(89 * 60).minus(WINDOW_WATERMARK).toEpochMilli())) {
      Instant start = Instant.ofEpochMilli(s.start().time());
      expected.add("X|" + s.kind() + "|" + start + " " + start + " " + Instant.ofEpochMilli(s.end().time()));
    }
    assertThat(expected).containsExactly(
        "X|stop|2026-03-02T06:00:00Z 2026-03-02T06:00:00Z 2026-03-02T06:09:00Z",
        "X|trip|2026-03-02T06:09:00Z 2026-03-02T06:09:00Z 2026-03-02T06:40:00Z",
        "X|stop|2026-03-02T06:40:00Z 2026-03-02T06:40:00Z 2026-03-02T06:59:00Z",
        "X|trip|2026-03-02T06:59:00Z 2026-03-02T06:59:00Z 2026-03-02T07:20:00Z");
    for (String table : List.of("trips", "stops")) {
      String id = table.equals("trips") ? "trip_id" : "stop_id";
      String[] columns = table.equals("trips") ? TripsAndStops.TRIP_COLUMNS : TripsAndStops.STOP_COLUMNS;
      for (Dataset<Row> t : List.of(sinks.parquet("location", table), sinks.delta("location", table),
          sinks.postgres("fleet." + table))) {
        assertThat(SinkContents.render(t.filter("vehicle_id = 'X'"), id, "start_time", "end_time"))
            .containsExactlyElementsOf(expected.stream().filter(e -> e.contains("|" + table.substring(0, 4) + "|"))
                .toList());
        List<String> rows = SinkContents.render(t, columns);
        assertThat(rows).filteredOn(r -> r.startsWith("X|")).containsExactlyElementsOf(rows.stream()
            .filter(r -> r.startsWith("A|")).map(r -> r.replace("A|", "X|").replace(" A ", " X ")).toList());
      }
    }
  }

  private static final Duration WINDOW_WATERMARK = Duration.ofMinutes(1);

  /**
   * A fix a minute: standing 10 minutes, driving east at 40 km/h for 30, standing 20, driving 20,
   * standing 10; the same route for every vehicle.
   */
  private static List<Fix> fixes(String vehicle, int from, int to) {
    List<Fix> fixes = new ArrayList<>();
    double lon = 13.4;
    for (int m = 0; m < to; m++) {
      double speed = (m >= 10 && m < 40) || (m >= 60 && m < 80) ? 40.0 : 0.0;
      lon += speed / 60 / 67.8; // km a minute, in degrees of longitude at 52.5° N
      if (m >= from) {
        fixes.add(new Fix(START.plusSeconds(60L * m).toEpochMilli(), vehicle + "-" + m, 52.5, lon, speed,
            speed > 0 ? "running" : "idle"));
      }
    }
    return fixes;
  }

  private static List<String> minutes(String vehicle, int from, int to) {
    return fixes(vehicle, from, to).stream().map(f -> String.format(Locale.ROOT,
        "{\"vehicle_id\":\"%s\",\"event_id\":\"%s\",\"timestamp\":\"%s\",\"latitude\":%s,\"longitude\":%s,"
            + "\"speed_kmh\":%s,\"engine_status\":\"%s\"}", vehicle, f.eventId(), Instant.ofEpochMilli(f.time()),
        f.latitude(), f.longitude(), f.speedKmh(), f.engine())).toList();
  }

  private String out() {
    return work.resolve("out").toUri().toString();
  }

  private String[] args(String stream, boolean delta) {
    List<String> args = TestJobArgs.streaming(servers.kinesis(), stream, "1 hour", work, servers.db());
    return (delta ? args : TestJobArgs.withoutDelta(args)).toArray(String[]::new);
  }
}
