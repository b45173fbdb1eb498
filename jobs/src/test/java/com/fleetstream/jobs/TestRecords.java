package com.fleetstream.jobs;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Decoded Kinesis records (the shape KinesisRecords.decode gives) built from payload strings. */
public final class TestRecords {
  public static final StructType SCHEMA = new StructType()
      .add("payload", DataTypes.StringType)
      .add("stream_name", DataTypes.StringType)
      .add("partition_key", DataTypes.StringType)
      .add("sequence_number", DataTypes.StringType)
      .add("arrival_time", DataTypes.TimestampType);

  private TestRecords() {}

  public static Dataset<Row> decoded(Instant arrival, String... payloads) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < payloads.length; i++) {
      rows.add(RowFactory.create(payloads[i], "test-stream", "key", String.format("%05d", i),
          Timestamp.from(arrival)));
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  /** Puts the payloads on the emulator's stream, in order, under one partition key. */
  /** TestJobArgs' MAX_EVENT_AGE: the tests' event times are fixed days of 2026. */
  public static final java.time.Duration MAX_EVENT_AGE = java.time.Duration.ofDays(3650);

  public static void put(com.fleetstream.testkit.KinesisEmulator kinesis, String stream, String key,
      List<String> payloads) {
    var entries = payloads.stream().map(p -> software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry
        .builder().partitionKey(key).data(software.amazon.awssdk.core.SdkBytes.fromUtf8String(p)).build()).toList();
    if (kinesis.client().putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount() != 0) {
      throw new IllegalStateException("the emulator refused records");
    }
  }

  public static String fix(String eventId, String vehicle, String ts, double lat, double lon, double speed) {
    return String.format(java.util.Locale.ROOT,
        "{\"vehicle_id\":\"%s\",\"event_id\":\"%s\",\"timestamp\":\"%s\",\"latitude\":%s,\"longitude\":%s,"
            + "\"speed_kmh\":%s,\"heading\":90.0,\"altitude_m\":12.0,\"accuracy_m\":5.0,\"fuel_level_pct\":50.0,"
            + "\"engine_status\":\"running\"}", vehicle, eventId, ts, lat, lon, speed);
  }

  public static String reading(String eventId, String sensor, String ts, String metric, double value) {
    return String.format(java.util.Locale.ROOT,
        "{\"sensor_id\":\"%s\",\"device_id\":\"dev-1\",\"event_id\":\"%s\",\"timestamp\":\"%s\",\"metric\":\"%s\","
            + "\"value\":%s,\"unit\":\"u\"}", sensor, eventId, ts, metric, value);
  }

  /** What EventIds derives: derived- and 32 hex digits of SHA-256 over the identity and the event time in µs. */
  public static String derivedId(String entity, String time, String... more) {
    Instant t = Instant.parse(time);
    List<String> parts = new ArrayList<>(List.of(entity));
    parts.addAll(List.of(more));
    parts.add(Long.toString(t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000));
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(String.join("|", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "derived-" + java.util.HexFormat.of().formatHex(hash).substring(0, 32);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A geofences file of one circle, "depot", 500 m around 52.52 N 13.405 E, alerting on entering it. */
  public static java.nio.file.Path depotGeofence(java.nio.file.Path dir) throws java.io.IOException {
    return java.nio.file.Files.writeString(dir.resolve("geofences.json"), """
        [{"geofence_id": "depot", "name": "Depot", "type": "circle",
          "center": {"latitude": 52.52, "longitude": 13.405}, "radius_meters": 500, "alert_on": "enter"}]
        """);
  }
}
