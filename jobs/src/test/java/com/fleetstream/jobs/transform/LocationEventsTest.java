package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.TestRecords.fix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fleetstream.jobs.TestRecords;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class LocationEventsTest {
  private static final Instant ARRIVAL = Instant.parse("2026-01-01T10:00:30Z");

  @Test
  void givesEachBadRecordItsReasonAndParsesTheRest() {
    String ok = fix("e1", "truck-1", "2026-01-01T10:00:00Z", 53.5, 9.9, 42.5);
    List<Row> rows = LocationEvents.parse(TestRecords.decoded(ARRIVAL,
            ok,
            "not json at all",
            ok.substring(0, ok.length() / 2),
            "[1,2,3]",
            "",
            ok.replace("\"event_id\":\"e1\",", ""),
            ok.replace("\"latitude\":53.5", "\"latitude\":123.4"),
            ok.replace("\"longitude\":9.9", "\"longitude\":-180.5"),
            ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":\"fast\""),
            ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":-1"),
            ok.replace("\"latitude\":53.5", "\"latitude\":NaN"),
            ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":\"Infinity\""),
            ok.replace("\"timestamp\":\"2026-01-01T10:00:00Z\"", "\"timestamp\":\"yesterday\""),
            ok.replace("2026-01-01T10:00:00Z", "2026-01-01T12:00:00Z"),
            ok.replace("2026-01-01T10:00:00Z", "1999-12-31T23:59:59Z"),
            ok.replace("2026-01-01T10:00:00Z", "2000-01-01T00:00:00Z"), // a reset clock
            ok.replace("2026-01-01T10:00:00Z", "2025-11-30T10:00:00Z"), // older than MAX_EVENT_AGE (30 days)
            ok.replace("2026-01-01T10:00:00Z", "2025-12-05T10:00:00Z"), // buffered offline for 27 days
            ok.replace("\"vehicle_id\"", "\"truck_id\""),
            ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":\"  \""),
            ok.replace("\"latitude\":53.5", "\"latitude\":\"53.5\"")), java.time.Duration.ofDays(30))
        .select("sequence_number", "event_id", "vehicle_id", "latitude", "quarantine_reason")
        .orderBy("sequence_number").collectAsList();

    assertThat(rows).extracting(r -> r.getString(4)).containsExactly(
        null,
        "malformed_json",
        "malformed_json",
        "malformed_json",
        "malformed_json",
        null, // no event_id: one is derived
        "out_of_range:latitude",
        "out_of_range:longitude",
        "invalid_type:speed_kmh",
        "out_of_range:speed_kmh",
        "invalid_number:latitude",
        "invalid_number:speed_kmh",
        "invalid_type:timestamp",
        "timestamp_in_future",
        "timestamp_too_old",
        "timestamp_too_old",
        "timestamp_too_old",
        null,
        null,
        "missing_field:vehicle_id",
        null);
    assertThat(rows.get(0)).extracting(r -> r.getString(1), r -> r.getString(2), r -> r.getDouble(3))
        .containsExactly("e1", "truck-1", 53.5);
    assertThat(rows.get(5).getString(1)).isEqualTo(TestRecords.derivedId("truck-1", "2026-01-01T10:00:00Z"));
    assertThat(List.of(rows.get(18), rows.get(20)))
        .extracting(r -> r.getString(2), r -> r.getDouble(3))
        .containsExactly(tuple("truck-1", 53.5), tuple("truck-1", 53.5));
  }

  @Test
  void parsesTypedColumnsAndEventTime() {
    Row row = LocationEvents.parse(TestRecords.decoded(ARRIVAL,
            fix("e9", "truck-9", "2026-01-01T10:00:00.250Z", -33.9, 151.2, 0.0)), TestRecords.MAX_EVENT_AGE)
        .selectExpr("vehicle_id", "event_id", "CAST(event_time AS STRING)", "latitude", "longitude", "speed_kmh",
            "heading", "altitude_m", "accuracy_m", "fuel_level_pct", "engine_status")
        .first();
    assertThat(row.toSeq().toList().toString()).isEqualTo(
        "List(truck-9, e9, 2026-01-01 10:00:00.25, -33.9, 151.2, 0.0, 90.0, 12.0, 5.0, 50.0, running)");
  }

  /**
   * A filter on the reason once had from_json inlined into it 217 times, which made valid() 15x
   * slower. Two reads are planned: the typed one, and the all-text one only a rejected record takes.
   */
  @Test
  void filteringOnTheReasonParsesEachRecordOnce() {
    var valid = EventValidation.valid(LocationEvents.parse(TestRecords.decoded(ARRIVAL,
        fix("e1", "truck-1", "2026-01-01T10:00:00Z", 53.5, 9.9, 42.5)), TestRecords.MAX_EVENT_AGE));
    String plan = valid.queryExecution().executedPlan().toString();
    assertThat(plan.split("from_json", -1).length - 1).isEqualTo(2);
    assertThat(valid.select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("e1");
  }
}
