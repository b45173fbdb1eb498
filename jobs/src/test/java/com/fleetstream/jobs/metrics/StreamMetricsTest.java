package com.fleetstream.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.metrics.StreamMetrics.Datum;
import com.fleetstream.jobs.runtime.BatchAccounting.Counts;
import com.fleetstream.kinesis.KinesisStreamSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.streaming.SinkProgress;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;

class StreamMetricsTest {
  private static final String AT = "2026-12-06T10:00:00.000Z";
  private static final Instant T = Instant.parse(AT);

  private static StreamingQueryProgress progress(SourceProgress... sources) {
    return new StreamingQueryProgress(UUID.randomUUID(), UUID.randomUUID(), "location-events", AT, 7, 1234,
        Map.of(), Map.of(), new StateOperatorProgress[0], sources, new SinkProgress("foreachBatch"), Map.of());
  }

  private static SourceProgress kinesis(String stream, Map<String, String> metrics) {
    return new SourceProgress(KinesisStreamSource.description(stream), "{}", "{}", "{}", 10, 1, 1, metrics);
  }

  @Test
  void aBatchReportsItsCountsAndEachStreamsLagAsAWholeAndPerShard() {
    StreamingQueryProgress p = progress(kinesis("fleet-locations", Map.of(KinesisStreamSource.MAX_MILLIS_BEHIND,
        "1500", KinesisStreamSource.MILLIS_BEHIND, "{\"shardId-000000000000\":1500,\"shardId-000000000001\":0}",
        KinesisStreamSource.EXPIRED_GAPS, "0")));
    Counts counts = new Counts("location-events", 7, 100, 3, 97, 2, 90L, 4, 3L, null,
        Map.of("parquet", 90L, "postgres", 90L));

    List<Datum> data = StreamMetrics.of("dev-location-streaming", p, Optional.of(counts));

    Map<String, String> stream = Map.of("JobName", "dev-location-streaming", "StreamName", "fleet-locations");
    Map<String, String> query = Map.of("JobName", "dev-location-streaming", "Query", "location-events");
    assertThat(data).containsExactly(
        new Datum("MillisBehindLatest", "Milliseconds", 1500, stream, T),
        new Datum("ExpiredGaps", "Count", 0, stream, T),
        new Datum("MillisBehindLatest", "Milliseconds", 1500, with(stream, "ShardId", "shardId-000000000000"), T),
        new Datum("MillisBehindLatest", "Milliseconds", 0, with(stream, "ShardId", "shardId-000000000001"), T),
        new Datum("RecordsRead", "Count", 100, query, T),
        new Datum("RecordsQuarantined", "Count", 3, query, T),
        new Datum("LateEvents", "Count", 4, query, T),
        new Datum("EventsKept", "Count", 90, query, T),
        new Datum("Duplicates", "Count", 3, query, T),
        new Datum("RowsWritten", "Count", 180, query, T),
        new Datum("BatchDuration", "Milliseconds", 1234, query, T),
        new Datum("Unaccounted", "Count", 0, Map.of("JobName", "dev-location-streaming"), T),
        new Datum("LateEvents", "Count", 4, Map.of("JobName", "dev-location-streaming"), T));
  }

  /** Counts that do not add up (97 valid: 80 kept, 3 duplicates, 4 late) are 10 unaccounted, for the alarm. */
  @Test
  void aBatchWhoseCountsDoNotAddUpReportsTheRowsUnaccounted() {
    Counts counts = new Counts("location-events", 8, 100, 3, 97, 0, 80L, 4, 3L, null, Map.of("parquet", 80L));
    assertThat(StreamMetrics.of("job", progress(), Optional.of(counts)))
        .filteredOn(d -> d.name().equals("Unaccounted")).singleElement()
        .isEqualTo(new Datum("Unaccounted", "Count", 10, Map.of("JobName", "job"), T));
  }

  @Test
  void anIdleReportGivesTheLagOnlyAndOtherSourcesNothing() {
    StreamingQueryProgress p = progress(kinesis("a", Map.of(KinesisStreamSource.MAX_MILLIS_BEHIND, "0",
        KinesisStreamSource.MILLIS_BEHIND, "{}")),
        new SourceProgress("RateStreamV2[rowsPerSecond=1]", "{}", "{}", "{}", 0, 0, 0, Map.of()));

    assertThat(StreamMetrics.of("job", p, Optional.empty())).containsExactly(
        new Datum("MillisBehindLatest", "Milliseconds", 0, Map.of("JobName", "job", "StreamName", "a"), T));
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new java.util.LinkedHashMap<>(base);
    m.put(key, value);
    return m;
  }
}
