package com.fleetstream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarantineReasonTest {
  @Test
  void theReasonsAreWrittenAsTheQuarantineTablesHoldThem() {
    assertThat(Arrays.stream(QuarantineReason.values()).map(QuarantineReason::toString)).containsExactly(
        "invalid_utf8", "payload_too_large", "malformed_json", "missing_field", "invalid_type", "too_long",
        "invalid_number", "out_of_range", "unknown_metric", "timestamp_too_old", "timestamp_in_future");
    assertThat(QuarantineReason.MALFORMED_JSON.code()).isEqualTo("malformed_json");
    assertThat(QuarantineReason.OUT_OF_RANGE.of("latitude")).isEqualTo("out_of_range:latitude");
  }

  @Test
  void aReasonAboutAFieldNeedsTheFieldAndARecordReasonRefusesOne() {
    assertThatThrownBy(QuarantineReason.MISSING_FIELD::code).hasMessageContaining("MISSING_FIELD names a field");
    assertThatThrownBy(() -> QuarantineReason.TIMESTAMP_IN_FUTURE.of("timestamp"))
        .hasMessageContaining("TIMESTAMP_IN_FUTURE is about the whole record");
  }

  @Test
  void theRecordCheckGivesTheTypesReasons() {
    Instant arrival = Instant.parse("2026-12-07T12:00:00Z");
    assertThat(reason("{\"vehicle_id\":\"v1\",\"timestamp\":\"2026-12-07T11:59:00Z\",\"latitude\":91,"
        + "\"longitude\":13}", arrival)).isEqualTo(QuarantineReason.OUT_OF_RANGE.of("latitude"));
    assertThat(reason("{\"vehicle_id\":\"v1\",\"timestamp\":\"2100-01-01T00:00:00Z\",\"latitude\":52,"
        + "\"longitude\":13}", arrival)).isEqualTo(QuarantineReason.TIMESTAMP_IN_FUTURE.code());
    assertThat(reason("{\"vehicle_id\":", arrival)).isEqualTo(QuarantineReason.MALFORMED_JSON.code());
  }

  private static String reason(String json, Instant arrival) {
    return RecordCheck.check(json.getBytes(StandardCharsets.UTF_8), LocationFields.FIELDS, Map.of(), arrival,
        Duration.ofDays(30)).reason();
  }
}
