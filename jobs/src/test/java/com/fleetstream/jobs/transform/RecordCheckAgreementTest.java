package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.TestRecords.fix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.events.LocationFields;
import com.fleetstream.events.RecordCheck;
import com.fleetstream.jobs.TestRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The API checks fixes with {@link RecordCheck}, without Spark; the location job quarantines them
 * with {@link LocationEvents}. Both must give every record the same reason, or the API would accept
 * what the job then quarantines (or refuse what it would take).
 */
class RecordCheckAgreementTest {
  private static final Instant ARRIVAL = Instant.parse("2026-01-01T10:00:30Z");
  private static final Duration MAX_AGE = Duration.ofDays(30);

  @Test
  void theApiAndTheLocationJobGiveEachRecordTheSameReason() {
    String ok = fix("e1", "truck-1", "2026-01-01T10:00:00Z", 53.5, 9.9, 42.5);
    List<String> corpus = new ArrayList<>(List.of(
        ok,
        "not json at all",
        ok.substring(0, ok.length() / 2),
        "[1,2,3]",
        "",
        "42",
        "{}",
        ok.replace("\"event_id\":\"e1\",", ""),
        ok.replace("\"latitude\":53.5", "\"latitude\":123.4"),
        ok.replace("\"latitude\":53.5", "\"latitude\":-90.0"),
        ok.replace("\"longitude\":9.9", "\"longitude\":-180.5"),
        ok.replace("\"longitude\":9.9", "\"longitude\":null"),
        ok.replace("\"longitude\":9.9", "\"longitude\":\"\""),
        ok.replace("\"longitude\":9.9", "\"longitude\":true"),
        ok.replace("\"longitude\":9.9", "\"longitude\":[9.9]"),
        ok.replace("\"longitude\":9.9", "\"longitude\":{\"deg\":9.9}"),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":\"fast\""),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":\" 42.5 \""),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":\"\""),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":null"),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":-1"),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":4e2"),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":4.01e2"),
        ok.replace("\"latitude\":53.5", "\"latitude\":NaN"),
        ok.replace("\"latitude\":53.5", "\"latitude\":\"53.5\""),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":\"Infinity\""),
        ok.replace("\"speed_kmh\":42.5", "\"speed_kmh\":\"-inf\""),
        ok.replace("\"heading\":90.0", "\"heading\":360.5"),
        ok.replace("\"fuel_level_pct\":50.0", "\"fuel_level_pct\":100"),
        ok.replace("\"accuracy_m\":5.0", "\"accuracy_m\":1e9"),
        ok.replace("\"accuracy_m\":5.0", "\"accuracy_m\":-0.5"),
        ok.replace("\"timestamp\":\"2026-01-01T10:00:00Z\"", "\"timestamp\":\"yesterday\""),
        ok.replace("\"timestamp\":\"2026-01-01T10:00:00Z\"", "\"timestamp\":1767261600"),
        ok.replace("\"timestamp\":\"2026-01-01T10:00:00Z\"", "\"timestamp\":\"1767261600\""),
        ok.replace("\"timestamp\":\"2026-01-01T10:00:00Z\"", "\"timestamp\":null"),
        ok.replace("\"timestamp\":\"2026-01-01T10:00:00Z\",", ""),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.123456789Z"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01T11:00:00+01:00"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01T05:00:00-0500"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01 10:00:00"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01T10:00"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01"),
        ok.replace("2026-01-01T10:00:00Z", "2026-13-01T10:00:00Z"),
        ok.replace("2026-01-01T10:00:00Z", "2026-02-30T10:00:00Z"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01T25:00:00Z"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01T11:00:30Z"),
        ok.replace("2026-01-01T10:00:00Z", "2026-01-01T11:00:31Z"),
        ok.replace("2026-01-01T10:00:00Z", "2025-12-02T10:00:30Z"),
        ok.replace("2026-01-01T10:00:00Z", "2025-12-02T10:00:29Z"),
        ok.replace("2026-01-01T10:00:00Z", "2000-01-01T00:00:00Z"),
        ok.replace("\"vehicle_id\"", "\"truck_id\""),
        ok.replace("\"vehicle_id\"", "\"carId\""),
        ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":\"  \""),
        ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":7"),
        ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":{\"id\":7}"),
        ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":[\"a\"]"),
        ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":\"" + "x".repeat(256) + "\""),
        ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":\"" + "x".repeat(257) + "\""),
        ok.replace("\"vehicle_id\":\"truck-1\"", "\"vehicle_id\":\"" + "ü".repeat(256) + "\""),
        ok.replace("\"engine_status\":\"running\"", "\"engine_status\":\"" + "y".repeat(300) + "\""),
        ok.replace("\"event_id\":\"e1\"", "\"event_id\":\"\""),
        ok.replace("}", ",\"padding\":\"" + "p".repeat(70_000) + "\"}"),
        ok.replace("\"vehicle_id\":\"truck-1\"", "'vehicle_id':'truck-1'"),
        ok.replace(",\"speed_kmh\":42.5", "")));

    List<Row> rows = LocationEvents.parse(TestRecords.decoded(ARRIVAL, corpus.toArray(String[]::new)), MAX_AGE)
        .select("sequence_number", "quarantine_reason").orderBy("sequence_number").collectAsList();

    List<String> spark = rows.stream().map(r -> r.getString(1)).toList();
    List<String> api = corpus.stream().map(p -> RecordCheck.check(p.getBytes(StandardCharsets.UTF_8),
        LocationFields.FIELDS, LocationFields.BUILT_IN_ALIASES, ARRIVAL, MAX_AGE).reason()).toList();
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) {
      if (!java.util.Objects.equals(spark.get(i), api.get(i))) {
        disagreements.add(i + ": job " + spark.get(i) + ", API " + api.get(i) + " for "
            + corpus.get(i).substring(0, Math.min(160, corpus.get(i).length())));
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(spark).filteredOn(java.util.Objects::isNull).hasSizeGreaterThan(10);
  }

  @Test
  void invalidUtf8IsNamedByBoth() {
    byte[] bad = fix("e1", "truck-\u00fc", "2026-01-01T10:00:00Z", 53.5, 9.9, 1).getBytes(StandardCharsets.UTF_8);
    byte[] cut = java.util.Arrays.copyOf(bad, bad.length);
    int umlaut = new String(bad, StandardCharsets.ISO_8859_1).indexOf('\u00c3');
    cut[umlaut + 1] = (byte) 0x28; // a lead byte followed by no continuation byte
    assertThat(RecordCheck.check(cut, LocationFields.FIELDS, LocationFields.BUILT_IN_ALIASES, ARRIVAL, MAX_AGE)
        .reason()).isEqualTo("invalid_utf8");
    String decoded = new String(cut, StandardCharsets.UTF_8); // as KinesisRecords decodes: U+FFFD replaces it
    assertThat(LocationEvents.parse(TestRecords.decoded(ARRIVAL, decoded), MAX_AGE).first()
        .<String>getAs("quarantine_reason")).isEqualTo("invalid_utf8");
  }
}
