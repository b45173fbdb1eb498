package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.TestRecords.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.config.Thresholds;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SensorEventsTest {
  private static final Instant ARRIVAL = Instant.parse("2026-01-01T10:00:30Z");

  @Test
  void quarantinesUnknownMetricsAndFlagsBreaches() {
    var parsed = SensorEvents.parse(TestRecords.decoded(ARRIVAL,
        reading("r1", "s1", "2026-01-01T10:00:00Z", "temperature", 21.5),
        reading("r2", "s1", "2026-01-01T10:00:10Z", "pressure", 1.0),
        reading("r3", "s1", "2026-01-01T10:00:20Z", "temperature", 31.0),
        reading("r4", "s2", "2026-01-01T10:00:20Z", "temperature", -30.5),
        reading("r5", "s3", "2026-01-01T10:00:20Z", "energy", 500.0),
        reading("r6", "s3", "2026-01-01T10:00:20Z", "humidity", 99.0),
        reading("r7", "s3", "2026-01-01T10:00:20Z", "energy", 1.0).replace("\"value\":1.0", "\"value\":null")), TestRecords.MAX_EVENT_AGE);

    assertThat(parsed.orderBy("sequence_number").collectAsList())
        .extracting(r -> r.getAs("event_id"), r -> r.getAs("quarantine_reason"))
        .containsExactly(tuple("r1", null), tuple("r2", "unknown_metric"), tuple("r3", null), tuple("r4", null),
            tuple("r5", null), tuple("r6", null), tuple("r7", "missing_field:value"));

    var flagged = ThresholdBreaches.flag(EventValidation.valid(parsed), Thresholds.parse(Thresholds.DEFAULT));
    assertThat(flagged.orderBy("event_id").collectAsList())
        .extracting(r -> r.getAs("event_id"), r -> r.getAs("breach"))
        .containsExactly(tuple("r1", null), tuple("r3", "above"), tuple("r4", "below"), tuple("r5", null),
            tuple("r6", "above"));
  }
}
