package com.fleetstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import com.fleetstream.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class SimulatorIT {
  private static SimulatorConfig config(String... extra) {
    List<String> args = new ArrayList<>(List.of("--vehicles", "3", "--duration-seconds", "600",
        "--start-time", "2026-01-01T00:00:00Z", "--seed", "5"));
    args.addAll(List.of(extra));
    return SimulatorConfig.parse(args.toArray(String[]::new));
  }

  @Test
  void theSameSeedGivesTheSameRecords() {
    List<OutgoingRecord> a = Simulation.records(config("--malformed-rate", "0.1", "--duplicate-rate", "0.1"));
    List<OutgoingRecord> b = Simulation.records(config("--malformed-rate", "0.1", "--duplicate-rate", "0.1"));
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).data()).isEqualTo(b.get(i).data());
    }
    // 3 vehicles every 5 s for 600 s = 360 fixes; sensors from devices.json
    assertThat(a.stream().filter(r -> r.stream() == Stream.LOCATION && r.kind() != Kind.DUPLICATE).count())
        .isEqualTo(360);
    assertThat(a.stream().filter(r -> r.kind() == Kind.MALFORMED).map(OutgoingRecord::expectedReason).distinct())
        .containsExactlyInAnyOrder("malformed_json", "missing_field:timestamp", "out_of_range:latitude",
            "unknown_metric");
    assertThat(a.stream().filter(r -> r.kind() == Kind.DUPLICATE).count()).isPositive();
  }

  @Test
  void eachShapeWritesTheRecordsItsDevicesSend() {
    assertThat(first(config("--shape", "trucks"), Stream.LOCATION)).isEqualTo("{\"truck_id\":\"truck-001\","
        + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"latitude\":53.550486,\"longitude\":9.98643,\"speed_kmh\":32.2,"
        + "\"heading\":251.2,\"altitude_m\":165.6,\"accuracy_m\":4.5,\"fuel_level_pct\":67.7,"
        + "\"engine_status\":\"running\"}");
    assertThat(first(config("--shape", "buses"), Stream.LOCATION))
        .isEqualTo("{\"longitude\":\"9.98643\",\"latitude\":\"53.55049\"}");
    SimulatorConfig perMetric = config("--shape", "per-metric", "--metric-streams", "temperature=temp_stream");
    OutgoingRecord reading = Simulation.records(perMetric).stream().filter(r -> r.stream() == Stream.SENSOR)
        .findFirst().orElseThrow();
    SensorReading event = (SensorReading) reading.event();
    assertThat(new String(reading.data(), StandardCharsets.UTF_8)).isEqualTo("{\"device_id\":\"" + event.sensorId()
        + "\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"" + event.metric() + "\":" + event.value() + "}");
    assertThat(perMetric.streamOf(reading))
        .isEqualTo(event.metric().equals("temperature") ? "temp_stream" : "sensor-readings-" + event.metric());
    assertThat(first(config("--shape", "wide"), Stream.SENSOR))
        .matches("\\{\"device_id\":\"[^\"]+\",\"timestamp\":\"2026-01-01T00:00:00Z\"(,\"(temperature|humidity|energy)\":"
            + "-?[0-9.]+)+}");
    assertThatThrownBy(() -> config("--shape", "round")).hasMessage("--shape cannot parse 'round': not one of"
        + " documented, trucks, buses, per-metric, wide");
  }

  private static String first(SimulatorConfig config, Stream stream) {
    return Simulation.records(config).stream().filter(r -> r.stream() == stream && r.kind() == Kind.VALID)
        .map(r -> new String(r.data(), StandardCharsets.UTF_8)).findFirst().orElseThrow();
  }

  @Test
  void fixesMoveAtTheirReportedSpeed() {
    List<GpsFix> truck1 = Simulation.records(config()).stream()
        .filter(r -> r.kind() == Kind.VALID && r.event() instanceof GpsFix f && f.vehicleId().equals("truck-001"))
        .map(r -> (GpsFix) r.event()).toList();
    for (int i = 1; i < truck1.size(); i++) {
      GpsFix a = truck1.get(i - 1);
      GpsFix b = truck1.get(i);
      double km = GreatCircle.haversineKm(a.latitude(), a.longitude(), b.latitude(), b.longitude());
      assertThat(km).isLessThanOrEqualTo(b.speedKmh() * 5 / 3600 + 0.001);
    }
  }

  @Test
  void everyRecordArrivesInOrderPerKey() {
    try (KinesisEmulator kinesis = KinesisEmulator.start()) {
      kinesis.createStream("sim-loc", 1);
      kinesis.createStream("sim-sen", 1);
      SimulatorConfig c = config("--endpoint", kinesis.endpoint().toString(), "--location-stream", "sim-loc",
          "--sensor-stream", "sim-sen", "--duplicate-rate", "0.05");
      Simulator.Summary summary = Simulator.send(c, kinesis.client());
      List<String> expected = Simulation.records(c).stream().filter(r -> r.stream() == Stream.LOCATION)
          .map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();

      assertThat(readAll(kinesis.client(), "sim-loc")).containsExactlyElementsOf(expected);
      assertThat(summary.count(Stream.LOCATION, Kind.VALID) + summary.count(Stream.LOCATION, Kind.DUPLICATE))
          .isEqualTo(expected.size());
    }
  }

  @Test
  void throttledAndDroppedCallsAreRetriedForTheFailedEntriesOnlyAndNothingIsLost() {
    // the proxy reads the calls as JSON; the SDK's default is CBOR
    System.setProperty("aws.cborEnabled", "false");
    try (KinesisEmulator kinesis = KinesisEmulator.start();
         KinesisFaultProxy proxy = new KinesisFaultProxy(kinesis.endpoint())) {
      kinesis.createStream("sim-loc", 1);
      kinesis.createStream("sim-sen", 1);
      KinesisFaultProxy.Fault partial = KinesisFaultProxy.Fault.THROTTLE_EVERY_THIRD_ENTRY;
      proxy.script(partial, partial, KinesisFaultProxy.Fault.THROTTLE_CALL, partial,
          KinesisFaultProxy.Fault.DROP_CONNECTION, partial, partial, KinesisFaultProxy.Fault.DROP_CONNECTION, partial);
      SimulatorConfig c = config("--endpoint", proxy.endpoint().toString(), "--location-stream", "sim-loc",
          "--sensor-stream", "sim-sen", "--duplicate-rate", "0.05");
      Simulator.send(c, KinesisEmulator.newClient(proxy.endpoint()));

      for (String stream : List.of("sim-loc", "sim-sen")) {
        Stream kind = stream.equals("sim-loc") ? Stream.LOCATION : Stream.SENSOR;
        List<String> expected = Simulation.records(c).stream().filter(r -> r.stream() == kind)
            .map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();
        assertThat(readAll(kinesis.client(), stream)).containsExactlyInAnyOrderElementsOf(expected);
      }
      assertThat(proxy.throttledEntries.get()).isPositive();
      assertThat(proxy.throttledCalls.get()).isEqualTo(1);
      assertThat(proxy.droppedCalls.get()).isEqualTo(2);
    } finally {
      System.clearProperty("aws.cborEnabled");
    }
  }

  @Test
  void aMissingStreamFailsLoudly() {
    try (KinesisEmulator kinesis = KinesisEmulator.start()) {
      SimulatorConfig c = config("--endpoint", kinesis.endpoint().toString(), "--location-stream", "absent",
          "--sensor-stream", "absent");
      assertThatThrownBy(() -> Simulator.send(c, kinesis.client()))
          .hasMessageContaining("PutRecords to absent failed");
    }
  }

  @Test
  void badFlagsAreNamed() {
    assertThatThrownBy(() -> SimulatorConfig.parse(new String[] {"--vehicels", "3"}))
        .hasMessageStartingWith("--vehicels is not an option (options: --devices, --duplicate-rate");
    assertThatThrownBy(() -> SimulatorConfig.parse(new String[] {"--malformed-rate", "2"}))
        .hasMessage("--malformed-rate must be within 0..1");
  }

  private static List<String> readAll(KinesisClient client, String stream) {
    Shard shard = client.listShards(b -> b.streamName(stream)).shards().get(0);
    String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    List<String> out = new ArrayList<>();
    while (true) {
      String it = iterator;
      var response = client.getRecords(b -> b.shardIterator(it).limit(10_000));
      response.records().stream().map(Record::data).map(d -> d.asUtf8String()).forEach(out::add);
      if (response.records().isEmpty() || response.millisBehindLatest() == 0) {
        return out;
      }
      iterator = response.nextShardIterator();
    }
  }
}
