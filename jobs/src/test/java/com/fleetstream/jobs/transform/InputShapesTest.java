package com.fleetstream.jobs.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.events.FieldSpec;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.contract.InputContract;
import com.fleetstream.jobs.contract.InputContract.RecordKind;
import com.fleetstream.jobs.contract.InputContractFile;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Records in the shapes devices send, read with the built-in contract or one of their own. */
class InputShapesTest {
  private static final Instant ARRIVAL = Instant.parse("2026-01-01T10:00:30Z");

  @Test
  void aTruckTutorialsFixWithoutAnEventIdGetsOneDerivedTheSameForItsRetry() {
    String truck = "{\"truck_id\":\"TRK-7\",\"timestamp\":\"2026-01-01T10:00:05Z\",\"latitude\":52.5,"
        + "\"longitude\":13.4,\"speed_kmh\":61.0,\"heading\":90,\"altitude_m\":35,\"accuracy_m\":4,"
        + "\"fuel_level_pct\":77.5,\"engine_status\":\"on\"}";
    List<Row> rows = LocationEvents.parse(records("TRK-7", truck, truck), TestRecords.MAX_EVENT_AGE)
        .select("vehicle_id", "event_id", "event_id_derived", "contract", "event_time_from_arrival", "quarantine_reason")
        .collectAsList();
    String id = TestRecords.derivedId("TRK-7", "2026-01-01T10:00:05Z");
    assertThat(rows).extracting(Row::toString).containsExactly(
        "[TRK-7," + id + ",true,fleetstream-location@1,false,null]",
        "[TRK-7," + id + ",true,fleetstream-location@1,false,null]");
  }

  @Test
  void aBusSendingTextCoordinatesItsIdOnlyAsThePartitionKeyAndNoTimeTakesThemFromKinesis() {
    InputContract buses = contract(RecordKind.LOCATION, """
        {"contract": "buses", "version": 3, "record": "location",
         "entity_id_from_partition_key": true, "event_time_from_arrival": true}""");
    Row row = LocationEvents.parse(records("bus-12", "{\"longitude\": \"12.34567\", \"latitude\": \"76.54321\"}"),
            buses, TestRecords.MAX_EVENT_AGE)
        .selectExpr("vehicle_id", "event_id", "CAST(event_time AS STRING)", "latitude", "longitude", "contract",
            "event_id_derived", "event_time_from_arrival", "quarantine_reason")
        .first();
    assertThat(row.toString()).isEqualTo("[bus-12," + TestRecords.derivedId("bus-12", "2026-01-01T10:00:30Z",
        "{\"latitude\":76.54321,\"longitude\":12.34567}") + ",2026-01-01 10:00:30,76.54321,12.34567,buses@3,true,true,null]");

    // without the contract's opt-ins the same record has no vehicle and no time
    assertThat(LocationEvents.parse(records("bus-12", "{\"longitude\": \"12.34567\", \"latitude\": \"76.54321\"}"),
        TestRecords.MAX_EVENT_AGE).select("quarantine_reason").first().getString(0))
        .isEqualTo("missing_field:vehicle_id");
  }

  /**
   * A tutorial-style producer puts a bus's fixes in one PutRecords: they share an arrival millisecond,
   * so arrival time and bus alone gave them one id and all but one were dropped as duplicates. What
   * each says tells them apart; the same fix sent again within the millisecond is still one event.
   */
  @Test
  void fixesTimedByOneArrivalAreToldApartByWhatTheySay() {
    InputContract buses = contract(RecordKind.LOCATION, """
        {"contract": "buses", "version": 3, "record": "location",
         "entity_id_from_partition_key": true, "event_time_from_arrival": true}""");
    List<String> ids = LocationEvents.parse(records("bus-12",
            "{\"longitude\": 12.3400, \"latitude\": 76.5400}",
            "{\"longitude\": 12.3500, \"latitude\": 76.5400}",
            "{\"longitude\": 12.3400, \"latitude\": 76.5400}"), buses, TestRecords.MAX_EVENT_AGE)
        .orderBy("sequence_number").select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(ids.get(0)).isNotEqualTo(ids.get(1)).isEqualTo(ids.get(2));
  }

  @Test
  void numbersAsTextAreRefusedWhereTheContractSaysSo() {
    InputContract strict = contract(RecordKind.LOCATION, """
        {"contract": "strict", "version": 1, "record": "location", "numbers_as_text": false,
         "fields": {"vehicle_id": ["carId"]}}""");
    List<String> reasons = LocationEvents.parse(records("k",
            "{\"carId\":\"c1\",\"timestamp\":\"2026-01-01T10:00:00Z\",\"latitude\":\"52.5\",\"longitude\":13.4}",
            "{\"carId\":\"c1\",\"timestamp\":\"2026-01-01T10:00:00Z\",\"latitude\":52.5,\"longitude\":13.4}",
            "{\"carId\":\"c1\",\"timestamp\":\"2026-01-01T10:00:00Z\",\"latitude\":52.5,\"speed_kmh\" : \"3\","
                + "\"longitude\":13.4}"),
            strict, TestRecords.MAX_EVENT_AGE)
        .orderBy("sequence_number").select("quarantine_reason").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
    assertThat(reasons).containsExactly("invalid_type:latitude", null, "invalid_type:speed_kmh");
  }

  @Test
  void timestampsInTheFormatsTheContractNames() {
    InputContract millis = contract(RecordKind.LOCATION, """
        {"contract": "millis", "version": 1, "record": "location", "timestamp_formats": ["iso8601", "epoch_millis"]}""");
    InputContract seconds = contract(RecordKind.LOCATION, """
        {"contract": "seconds", "version": 1, "record": "location", "timestamp_formats": ["epoch_seconds"]}""");
    String[] times = {"1767261600000", "\"1767261600000\"", "1767261600.5", "\"2026-01-01T11:00:00+01:00\"",
        "\"2026-01-01T10:00:00\"", "\"2026-01-01T10:00:00.125Z\"", "1e30", "\"noon\""};
    String[] payloads = java.util.Arrays.stream(times).map(t -> "{\"vehicle_id\":\"v\",\"timestamp\":" + t
        + ",\"latitude\":1,\"longitude\":2}").toArray(String[]::new);

    assertThat(times(LocationEvents.parse(records("k", payloads), millis, TestRecords.MAX_EVENT_AGE))).containsExactly(
        // 1767261600.5 ms is in January 1970
        "2026-01-01 10:00:00", "2026-01-01 10:00:00", "timestamp_too_old", "2026-01-01 10:00:00",
        "2026-01-01 10:00:00", "2026-01-01 10:00:00.125", "invalid_type:timestamp", "invalid_type:timestamp");
    assertThat(times(LocationEvents.parse(records("k", payloads), seconds, TestRecords.MAX_EVENT_AGE))).containsExactly(
        "invalid_type:timestamp", "invalid_type:timestamp", "2026-01-01 10:00:00.5", "invalid_type:timestamp",
        "invalid_type:timestamp", "invalid_type:timestamp", "invalid_type:timestamp", "invalid_type:timestamp");
    // the built-in contract reads ISO-8601 only: a bare number is no time
    assertThat(times(LocationEvents.parse(records("k", payloads), TestRecords.MAX_EVENT_AGE))).containsExactly(
        "invalid_type:timestamp", "invalid_type:timestamp", "invalid_type:timestamp", "2026-01-01 10:00:00",
        "2026-01-01 10:00:00", "2026-01-01 10:00:00.125", "invalid_type:timestamp", "invalid_type:timestamp");
  }

  @Test
  void aPerMetricStreamsReadingNeedsNoContractAndTakesItsDeviceAsSensor() {
    List<Row> rows = sensorRows(SensorEvents.parse(records("d-1",
        "{\"device_id\":\"d-1\",\"temperature\":21.3,\"timestamp\":\"2026-01-01T10:00:00Z\"}",
        "{\"sensor_id\":\"s-2\",\"humidity\":40.5,\"timestamp\":\"2026-01-01T10:00:00Z\"}"), TestRecords.MAX_EVENT_AGE));
    assertThat(rows).extracting(Row::toString).containsExactly(
        "[d-1,d-1," + TestRecords.derivedId("d-1", "2026-01-01T10:00:00Z", "temperature") + ",temperature,21.3,true,null]",
        "[s-2,s-2," + TestRecords.derivedId("s-2", "2026-01-01T10:00:00Z", "humidity") + ",humidity,40.5,true,null]");
  }

  @Test
  void aConstantNamesTheMetricOfAStreamWhoseRecordsSayOnlyValue() {
    InputContract energy = contract(RecordKind.SENSOR, """
        {"contract": "energy-meters", "version": 2, "record": "sensor", "fields": {"device_id": ["meter"]},
         "constants": {"metric": "energy", "unit": "kWh"}}""");
    Row row = SensorEvents.parse(records("m-9",
            "{\"meter\":\"m-9\",\"value\":12.5,\"timestamp\":\"2026-01-01T10:00:00Z\",\"event_id\":\"e-1\"}"),
            energy, TestRecords.MAX_EVENT_AGE)
        .select("sensor_id", "device_id", "event_id", "metric", "value", "unit", "contract", "quarantine_reason")
        .first();
    assertThat(row.toString()).isEqualTo("[m-9,m-9,e-1,energy,12.5,kWh,energy-meters@2,null]");
  }

  @Test
  void aWideRecordIsOneReadingPerMetricEachWithAnIdOfItsOwn() {
    List<Row> rows = sensorRows(SensorEvents.parse(records("d-3",
        "{\"device_id\":\"d-3\",\"event_id\":\"w1\",\"timestamp\":\"2026-01-01T10:00:00Z\",\"temperature\":21.0,"
            + "\"humidity\":40,\"energy\":3.5}",
        "{\"device_id\":\"d-3\",\"timestamp\":\"2026-01-01T10:00:10Z\",\"temperature\":22.0,\"humidity\":null}",
        "{\"device_id\":\"d-3\",\"timestamp\":\"2026-01-01T10:00:20Z\"}",
        "{\"device_id\":\"d-3\",\"timestamp\":\"2026-01-01T10:00:20Z\",\"temperature\":\"warm\"}"),
        TestRecords.MAX_EVENT_AGE));
    assertThat(rows).extracting(Row::toString).containsExactly(
        "[d-3,d-3,w1:energy,energy,3.5,false,null]",
        "[d-3,d-3,w1:humidity,humidity,40.0,false,null]",
        "[d-3,d-3,w1:temperature,temperature,21.0,false,null]",
        "[d-3,d-3," + TestRecords.derivedId("d-3", "2026-01-01T10:00:10Z", "temperature") + ",temperature,22.0,true,null]",
        // quarantined: one row each; the id derived for it too is never stored (quarantine keeps the payload)
        "[d-3,d-3," + TestRecords.derivedId("d-3", "2026-01-01T10:00:20Z") + ",null,null,true,missing_field:metric]",
        "[d-3,d-3," + TestRecords.derivedId("d-3", "2026-01-01T10:00:20Z") + ",null,null,true,invalid_type:temperature]");
  }

  @Test
  void aContractFileIsCheckedKeyByKey() {
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"aliases\":{}}")).hasMessageStartingWith("unknown key 'aliases' (known: constants, contract,");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"sensor\"}"))
        .hasMessage("key 'record' must be 'location' for this job, got \"sensor\"");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":0,\"record\":\"location\"}"))
        .hasMessage("key 'version' must be a whole number from 1, got 0");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"fields\":{\"truck\":[\"truck_id\"]}}")).hasMessageStartingWith("key 'fields.truck': not a field of this record");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"fields\":{\"vehicle_id\":\"truck_id\"}}"))
        .hasMessage("key 'fields.vehicle_id' must be a list of text, got \"truck_id\"");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"fields\":{\"vehicle_id\":[\"latitude\"]}}"))
        .hasMessage("key 'fields.vehicle_id': 'latitude' already names another field");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"timestamp_formats\":[\"epoch_seconds\",\"epoch_millis\"]}"))
        .hasMessageStartingWith("key 'timestamp_formats' may hold epoch_seconds or epoch_millis, not both");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"timestamp_formats\":[\"rfc2822\"]}")).hasMessageStartingWith("unknown timestamp format 'rfc2822'");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"constants\":{\"latitude\":\"0\"}}")).hasMessageStartingWith("key 'constants.latitude': only text fields");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\":\"c\",\"version\":1,\"record\":\"location\","
        + "\"event_time_from_arrival\":\"yes\"}"))
        .hasMessage("key 'event_time_from_arrival' must be true or false, got \"yes\"");
    assertThatThrownBy(() -> contract(RecordKind.LOCATION, "{\"contract\": 1"))
        .hasMessageStartingWith("not JSON:");
  }

  private static List<String> times(Dataset<Row> parsed) {
    return parsed.orderBy("sequence_number")
        .selectExpr("coalesce(quarantine_reason, CAST(event_time AS STRING))").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }

  private static List<Row> sensorRows(Dataset<Row> parsed) {
    return parsed.orderBy("sequence_number", "metric")
        .select("sensor_id", "device_id", "event_id", "metric", "value", "event_id_derived", "quarantine_reason")
        .collectAsList();
  }

  private static InputContract contract(RecordKind kind, String json) {
    List<FieldSpec> fields = kind == RecordKind.LOCATION ? LocationEvents.FIELDS : SensorEvents.FIELDS;
    return InputContractFile.parse(json, kind, FieldSpec.names(fields), FieldSpec.textNames(fields));
  }

  /** Decoded records under one partition key, arrived at {@link #ARRIVAL}, in order. */
  private static Dataset<Row> records(String partitionKey, String... payloads) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < payloads.length; i++) {
      rows.add(RowFactory.create(payloads[i], "test-stream", partitionKey, String.format("%05d", i),
          Timestamp.from(ARRIVAL)));
    }
    return SparkTestSession.get().createDataFrame(rows, TestRecords.SCHEMA);
  }
}
