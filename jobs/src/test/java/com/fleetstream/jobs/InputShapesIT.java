package com.fleetstream.jobs;

import static com.fleetstream.jobs.TestRecords.derivedId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.runtime.StreamingQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records shaped as public tutorials' producers send them, through kinesalite and the jobs' mains
 * into every sink: trucks without event ids (a retry of one dropped as a duplicate), buses naming
 * themselves only in the partition key, three per-metric sensor streams and a wide one read by one job.
 */
class InputShapesIT {
  @RegisterExtension
  static final StreamServers servers = new StreamServers("input_shapes_test");

  @TempDir
  Path work;

  @Test
  void trucksWithoutEventIdsGetDerivedOnesAndARetryIsDroppedAsADuplicate() {
    servers.kinesis().createStream("trucks", 1);
    String t1 = truck("TRK-1", "2026-02-01T10:00:00Z", 52.5001);
    TestRecords.put(servers.kinesis(), "trucks", "TRK-1", List.of(t1, truck("TRK-1", "2026-02-01T10:00:05Z", 52.5002)));
    TestRecords.put(servers.kinesis(), "trucks", "TRK-2", List.of(truck("TRK-2", "2026-02-01T10:00:00Z", 52.6)));
    TestRecords.put(servers.kinesis(), "trucks", "TRK-1", List.of(t1)); // the producer's retry

    StreamingQueries job = LocationStreamingJob.run(SparkTestSession.get(),
        LocationJobConfig.parse(args("trucks").toArray(String[]::new)));

    List<String> expected = List.of(
        "TRK-1|" + derivedId("TRK-1", "2026-02-01T10:00:00Z") + "|fleetstream-location@1|true|false|52.5001",
        "TRK-1|" + derivedId("TRK-1", "2026-02-01T10:00:05Z") + "|fleetstream-location@1|true|false|52.5002",
        "TRK-2|" + derivedId("TRK-2", "2026-02-01T10:00:00Z") + "|fleetstream-location@1|true|false|52.6");
    String columns = "vehicle_id, event_id, contract, event_id_derived, event_time_from_arrival, latitude";
    assertThat(lake("location/events", columns)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(delta("location/events", columns)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(postgres("SELECT " + columns + " FROM fleet.vehicle_position_history WHERE vehicle_id LIKE 'TRK-%'"))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(EventsCounts.of(job)).isEqualTo(new EventsCounts(4, 0, 4, 3, 0, 1));
  }

  @Test
  void busesNamedOnlyByTheirPartitionKeyTakeItAndTheirArrivalTimeThroughTheirContract() throws Exception {
    servers.kinesis().createStream("buses", 1);
    Path contract = Files.writeString(work.resolve("buses.json"), """
        {"contract": "buses", "version": 2, "record": "location",
         "entity_id_from_partition_key": true, "event_time_from_arrival": true}""");
    // in one PutRecords, as a tutorial-style producer sends a bus's fixes: one arrival millisecond,
    // told apart by what they say
    TestRecords.put(servers.kinesis(), "buses", "bus-7", List.of("{\"longitude\": \"12.34567\", \"latitude\": \"76.54321\"}",
        "{\"longitude\": \"12.34600\", \"latitude\": \"76.54400\"}"));
    TestRecords.put(servers.kinesis(), "buses", "bus-8", List.of("{\"longitude\": 12.1, \"latitude\": 76.2}"));

    List<String> args = args("buses");
    args.addAll(List.of("--CONTRACT", contract.toUri().toString()));
    LocationStreamingJob.run(SparkTestSession.get(), LocationJobConfig.parse(args.toArray(String[]::new)));

    List<String> expected = List.of("bus-7|76.54321|12.34567|buses@2|true|true|true",
        "bus-7|76.544|12.346|buses@2|true|true|true", "bus-8|76.2|12.1|buses@2|true|true|true");
    String columns = "vehicle_id, latitude, longitude, contract, event_id_derived, event_time_from_arrival,"
        + " event_time = arrival_time";
    assertThat(lake("location/events", columns)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(delta("location/events", columns)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(postgres("SELECT " + columns + " FROM fleet.vehicle_position_history WHERE vehicle_id LIKE 'bus-%'"))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void oneSensorJobReadsThreePerMetricStreamsAndAWideOneEachFromItsOwnPositions() {
    List<String> streams = List.of("temp_stream", "humidity_stream", "energy_stream", "wide_stream");
    streams.forEach(s -> servers.kinesis().createStream(s, 1));
    TestRecords.put(servers.kinesis(), "temp_stream", "d-1", List.of(
        "{\"device_id\":\"d-1\",\"temperature\":35.0,\"timestamp\":\"2026-02-01T10:00:00Z\"}",
        "{\"device_id\":\"d-1\",\"temperature\":21.0,\"timestamp\":\"2026-02-01T10:00:10Z\"}"));
    TestRecords.put(servers.kinesis(), "humidity_stream", "d-1", List.of(
        "{\"device_id\":\"d-1\",\"humidity\":97.0,\"timestamp\":\"2026-02-01T10:00:00Z\"}"));
    TestRecords.put(servers.kinesis(), "energy_stream", "m-1", List.of(
        "{\"device_id\":\"m-1\",\"energy\":12.0,\"timestamp\":\"2026-02-01T10:00:00Z\"}"));
    String wide = "{\"device_id\":\"w-1\",\"event_id\":\"w1\",\"timestamp\":\"2026-02-01T10:00:00Z\","
        + "\"temperature\":-31.0,\"humidity\":50.0,\"energy\":1.0}";
    TestRecords.put(servers.kinesis(), "wide_stream", "w-1", List.of(wide, wide)); // sent twice

    List<String> args = args("ignored");
    int at = args.indexOf("--STREAM_NAME");
    args.set(at, "--STREAM_NAMES");
    args.set(at + 1, String.join(",", streams));
    StreamingQueries job = SensorStreamingJob.run(SparkTestSession.get(),
        SensorJobConfig.parse(args.toArray(String[]::new)));

    assertThat(lake("sensor/events", "sensor_id, device_id, metric, value, event_id, contract")).containsExactlyInAnyOrder(
        "d-1|d-1|temperature|35.0|" + derivedId("d-1", "2026-02-01T10:00:00Z", "temperature") + "|fleetstream-sensor@1",
        "d-1|d-1|temperature|21.0|" + derivedId("d-1", "2026-02-01T10:00:10Z", "temperature") + "|fleetstream-sensor@1",
        "d-1|d-1|humidity|97.0|" + derivedId("d-1", "2026-02-01T10:00:00Z", "humidity") + "|fleetstream-sensor@1",
        "m-1|m-1|energy|12.0|" + derivedId("m-1", "2026-02-01T10:00:00Z", "energy") + "|fleetstream-sensor@1",
        "w-1|w-1|energy|1.0|w1:energy|fleetstream-sensor@1",
        "w-1|w-1|humidity|50.0|w1:humidity|fleetstream-sensor@1",
        "w-1|w-1|temperature|-31.0|w1:temperature|fleetstream-sensor@1");
    assertThat(postgres("SELECT sensor_id, metric, value, breach, contract FROM fleet.sensor_threshold_breaches"))
        .containsExactlyInAnyOrder("d-1|temperature|35.0|above|fleetstream-sensor@1",
            "d-1|humidity|97.0|above|fleetstream-sensor@1", "w-1|temperature|-31.0|below|fleetstream-sensor@1");
    // the wide record's second sending is three duplicate readings
    assertThat(EventsCounts.of(job)).isEqualTo(new EventsCounts(10, 0, 4, 7, 0, 3));
    // each stream is a source of its own in the query's checkpoint, with its own shard positions
    assertThat(work.resolve("checkpoints/sensor/events/sources")).isDirectoryContaining("glob:**/0")
        .isDirectoryContaining("glob:**/3");
  }

  private List<String> args(String stream) {
    return TestJobArgs.streaming(servers.kinesis(), stream, "10 minutes", work, servers.db());
  }

  private List<String> lake(String table, String columns) {
    return joined(SparkTestSession.get().read().parquet(work.resolve("out").toUri() + "/" + table)
        .selectExpr(columns.split(",\\s*")));
  }

  private List<String> delta(String table, String columns) {
    return joined(SparkTestSession.get().read().format("delta").load(work.resolve("out").toUri() + "/delta/" + table)
        .selectExpr(columns.split(",\\s*")));
  }

  private static List<String> postgres(String sql) {
    return TestPostgres.rows(servers.db(), sql).stream()
        .map(r -> String.join("|", r.stream().map(v -> v instanceof Double d ? Double.toString(d) : String.valueOf(v))
            .toList()))
        .toList();
  }

  private static List<String> joined(Dataset<Row> rows) {
    return rows.collectAsList().stream()
        .map(r -> String.join("|", java.util.stream.IntStream.range(0, r.length())
            .mapToObj(i -> String.valueOf(r.get(i))).toList()))
        .toList();
  }

  private static String truck(String id, String time, double latitude) {
    return String.format(java.util.Locale.ROOT, "{\"truck_id\":\"%s\",\"timestamp\":\"%s\",\"latitude\":%s,"
        + "\"longitude\":13.4,\"speed_kmh\":61.0,\"heading\":90,\"altitude_m\":35,\"accuracy_m\":4,"
        + "\"fuel_level_pct\":77.5,\"engine_status\":\"on\"}", id, time, latitude);
  }
}
