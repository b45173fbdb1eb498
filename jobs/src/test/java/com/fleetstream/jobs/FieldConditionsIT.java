package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.config.TripRules;
import com.fleetstream.jobs.runtime.BatchAccounting;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.transform.VehicleWindowStats;
import com.fleetstream.jobs.trips.TripDetector;
import com.fleetstream.simulator.GpsFix;
import com.fleetstream.simulator.KinesisBatchWriter;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import com.fleetstream.simulator.Simulation;
import com.fleetstream.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet as it behaves in service ({@code --field-conditions}: clocks 50 minutes fast or 20 slow,
 * coverage outages of up to 90 minutes flushed in bulk, reset and runaway clocks, producer retries
 * minutes to hours later, random duplicates and malformed records) through kinesalite and the location
 * job in three runs, the second crashing in a sink at a batch drawn from the seed. The expected rows
 * are computed here in plain Java (windows with the batch {@link VehicleWindowStats}) from what each
 * vehicle sent, each on its own clock, and Parquet, Delta and PostgreSQL must hold exactly those.
 */
class FieldConditionsIT {
  private static final String STREAM = "field-locations";
  private static final Instant START = Instant.parse("2026-06-01T08:00:00Z");
  /** The tests' WINDOW_WATERMARK ({@link TestJobArgs}). */
  private static final Duration REORDER = Duration.ofMinutes(1);
  private static final long SEED = 3;

  @RegisterExtension
  static final StreamServers servers = new StreamServers("field_test");

  @TempDir
  Path work;

  @Test
  void eachVehicleGetsExactlyTheWindowsAndTripsOfWhatItSentInEverySinkAcrossRunsAndACrash() throws Exception {
    servers.kinesis().createStream(STREAM, 4);
    SparkSession spark = SparkTestSession.get();
    List<OutgoingRecord> sent = Simulation.records(SimulatorConfig.parse(new String[] {
        "--vehicles", "8", "--duration-seconds", "10800", "--gps-interval-seconds", "30", "--seed", Long.toString(SEED),
        "--start-time", START.toString(), "--field-conditions", "true", "--duplicate-rate", "0.02",
        "--malformed-rate", "0.01", "--location-stream", STREAM})).stream()
        .filter(r -> r.stream() == Stream.LOCATION).toList();
    assertThat(sent.stream().filter(r -> "timestamp_too_old".equals(r.expectedReason()))).isNotEmpty();
    assertThat(sent.stream().filter(r -> "timestamp_in_future".equals(r.expectedReason()))).isNotEmpty();

    // three runs over a third of what was sent each, in batches of at most 300 records a shard; the
    // second crashes before or after a sink's write at a batch drawn from the seed, and the third
    // resumes from the checkpoints
    Random random = new Random(SEED);
    String crashing = List.of("postgres:location_windows", "window_stats", "postgres:location_trips", "delta:stops")
        .get(random.nextInt(4));
    int crashAt = 1 + random.nextInt(2);
    boolean afterWrite = random.nextBoolean();
    AtomicInteger writes = new AtomicInteger();
    UnaryOperator<BatchSink> crash = SinkHooks.around(Set.of(crashing), (sink, taken, count, id) -> {
      boolean now = writes.incrementAndGet() == crashAt;
      if (now && !afterWrite) {
        throw new IllegalStateException("injected crash before " + crashing + " write " + crashAt);
      }
      long rows = sink.write(taken, count, id);
      if (now) {
        throw new IllegalStateException("injected crash after " + crashing + " write " + crashAt);
      }
      return rows;
    });
    int third = sent.size() / 3;
    send(sent.subList(0, third));
    assertBatchesAddUp(LocationStreamingJob.run(spark, LocationJobConfig.parse(args())));
    send(sent.subList(third, 2 * third));
    assertThatThrownBy(() -> LocationStreamingJob.run(spark, LocationJobConfig.parse(args()), crash))
        .hasStackTraceContaining("injected crash");
    assertBatchesAddUp(LocationStreamingJob.run(spark, LocationJobConfig.parse(args())));
    send(sent.subList(2 * third, sent.size()));
    assertBatchesAddUp(LocationStreamingJob.run(spark, LocationJobConfig.parse(args())));

    // every valid event once, wherever the events query's watermark put it
    Map<String, GpsFix> valid = new LinkedHashMap<>();
    sent.stream().filter(r -> r.kind() == Kind.VALID).map(r -> (GpsFix) r.event())
        .forEach(f -> valid.put(f.eventId() + "@" + f.timestamp(), f));
    String out = work.resolve("out").toUri().toString();
    SinkContents sinks = new SinkContents(spark, out, out + "/delta", servers.db());
    for (String lake : List.of("parquet", "delta")) {
      Dataset<Row> events = lake.equals("parquet") ? sinks.parquet("location", "events")
          : sinks.delta("location", "events");
      Dataset<Row> late = lake.equals("parquet") ? sinks.parquet("location", "late_events")
          : sinks.delta("location", "late_events");
      assertThat(events.count()).as(lake + " events, each once").isEqualTo(events.select("event_id", "event_time")
          .distinct().count());
      assertThat(keys(events.select("event_id", "event_time").union(late.select("event_id", "event_time"))))
          .as(lake + " events and late events").isEqualTo(valid.keySet());
    }
    assertThat(keys(sinks.postgres("fleet.vehicle_position_history").select("event_id", "event_time")))
        .as("postgres history").isEqualTo(valid.keySet());
    assertThat(sinks.postgres("fleet.vehicle_position_history").count()).isEqualTo(valid.size());

    // per vehicle, on its own clock: its windows and trips from everything it sent
    Map<String, Instant> clocks = valid.values().stream().collect(Collectors.toMap(GpsFix::vehicleId,
        f -> f.timestamp().minus(REORDER), (a, b) -> a.isAfter(b) ? a : b));
    List<String> windows = expectedWindows(spark, valid.values(), clocks);
    assertThat(windows).hasSizeGreaterThan(16);
    for (Dataset<Row> w : List.of(sinks.parquet("location", "window_stats"), sinks.delta("location", "window_stats"),
        sinks.postgres("fleet.vehicle_window_stats"))) {
      assertThat(SinkContents.render(w, SinkContents.VEHICLE_WINDOW_COLUMNS)).containsExactlyElementsOf(windows);
    }
    Map<String, List<String>> segments = expectedSegments(valid.values(), clocks);
    assertThat(segments.get("trip")).hasSizeGreaterThan(4);
    for (String table : List.of("trips", "stops")) {
      String kind = table.substring(0, 4);
      String id = kind + "_id";
      for (Dataset<Row> t : List.of(sinks.parquet("location", table), sinks.delta("location", table),
          sinks.postgres("fleet." + table))) {
        assertThat(SinkContents.render(t, id, "start_time", "end_time")).as(table)
            .containsExactlyElementsOf(segments.get(kind));
      }
    }
  }

  /** Each batch of each query: read = quarantined + valid, and valid = kept + duplicates + late where counted. */
  private static void assertBatchesAddUp(StreamingQueries queries) {
    for (String query : List.of("events", "windows")) {
      assertThat(Arrays.stream(queries.query(query).recentProgress())
          .map(p -> BatchAccounting.counts(p, Map.of())).filter(c -> c.read() > 0))
          .allSatisfy(c -> assertThat(c.unaccounted()).as(c.line()).isZero());
    }
  }

  private static List<String> expectedWindows(SparkSession spark, java.util.Collection<GpsFix> valid,
      Map<String, Instant> clocks) {
    List<Row> rows = valid.stream().map(f -> RowFactory.create(f.vehicleId(), Timestamp.from(f.timestamp()),
        f.eventId(), f.latitude(), f.longitude(), f.speedKmh())).toList();
    Dataset<Row> all = VehicleWindowStats.aggregate(spark.createDataFrame(rows, new StructType()
        .add("vehicle_id", DataTypes.StringType).add("event_time", DataTypes.TimestampType)
        .add("event_id", DataTypes.StringType).add("latitude", DataTypes.DoubleType)
        .add("longitude", DataTypes.DoubleType).add("speed_kmh", DataTypes.DoubleType)),
        SparkDuration.parse("1 hour"), 1.0);
    List<Row> closed = all.collectAsList().stream().filter(r -> !r.getTimestamp(2).toInstant()
        .isAfter(clocks.get(r.getString(0)))).toList();
    return SinkContents.render(spark.createDataFrame(closed, all.schema()), SinkContents.VEHICLE_WINDOW_COLUMNS);
  }

  /** Trip and stop ids with their start and end, by kind, from the detector over each vehicle's fixes. */
  private static Map<String, List<String>> expectedSegments(java.util.Collection<GpsFix> valid,
      Map<String, Instant> clocks) {
    Map<String, List<GpsFix>> byVehicle = valid.stream().collect(Collectors.groupingBy(GpsFix::vehicleId,
        TreeMap::new, Collectors.toList()));
    Map<String, List<String>> out = new TreeMap<>(Map.of("trip", new ArrayList<>(), "stop", new ArrayList<>()));
    byVehicle.forEach((vehicle, fixes) -> {
      TripDetector detector = new TripDetector(TripRules.from(GlueArgs.parse()));
      fixes.forEach(f -> detector.offer(new TripDetector.Fix(f.timestamp().toEpochMilli(), f.eventId(),
          f.latitude(), f.longitude(), f.speedKmh(), f.engineStatus())));
      for (TripDetector.Segment s : detector.advance(clocks.get(vehicle).toEpochMilli())) {
        Instant start = Instant.ofEpochMilli(s.start().time());
        out.get(s.kind()).add(vehicle + "|" + s.kind() + "|" + start + " " + start + " "
            + Instant.ofEpochMilli(s.end().time()));
      }
    });
    out.values().forEach(l -> l.sort(Comparator.naturalOrder()));
    return out;
  }

  private static Set<String> keys(Dataset<Row> idAndTime) {
    Set<String> keys = new LinkedHashSet<>();
    idAndTime.collectAsList().forEach(r -> keys.add(r.getString(0) + "@" + r.getTimestamp(1).toInstant()));
    return keys;
  }

  private static void send(List<OutgoingRecord> records) {
    try (KinesisBatchWriter writer = new KinesisBatchWriter(servers.kinesis().client(), STREAM)) {
      records.forEach(r -> writer.add(r.partitionKey(), r.data()));
    }
  }

  private String[] args() {
    List<String> args = TestJobArgs.streaming(servers.kinesis(), STREAM, "1 hour", work, servers.db());
    args.addAll(List.of("--MAX_RECORDS_PER_READ", "150", "--MAX_RECORDS_PER_SHARD", "300"));
    return args.toArray(String[]::new);
  }
}
