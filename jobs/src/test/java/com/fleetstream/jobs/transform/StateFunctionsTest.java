package com.fleetstream.jobs.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.Thresholds;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.junit.jupiter.api.Test;

/** The state functions on their own, with Spark's {@link TestGroupState}: no stream, no sleeps. */
class StateFunctionsTest {
  private static final long BATCH_TIME = 1_000_000;

  // deduplication: rows of (event_id, event_time, quarantine_reason)
  private static final Deduplication.FirstSighting FIRST_SIGHTING = new Deduplication.FirstSighting(1, 2, 60_000);

  private static Row event(String id, long time) {
    return RowFactory.create(id, new Timestamp(time), null);
  }

  private static TestGroupState<Long> dedupState(Long stored, long watermark, boolean timedOut) {
    return TestGroupState.create(stored == null ? Optional.empty() : Optional.of(stored),
        GroupStateTimeout.ProcessingTimeTimeout(), BATCH_TIME, Optional.of(watermark), timedOut);
  }

  /** Each output row as "event_id late duplicate". */
  private static List<String> tags(Iterator<Row> out) {
    List<String> tags = new ArrayList<>();
    out.forEachRemaining(r -> tags.add(r.getString(0) + " " + r.getBoolean(3) + " " + r.getBoolean(4)));
    return tags;
  }

  @Test
  void aFirstSightingIsKeptItsRepeatsTaggedAndItsTimeRememberedUntilTheWatermarkPassesIt() throws Exception {
    TestGroupState<Long> state = dedupState(null, 0, false);
    assertThat(tags(FIRST_SIGHTING.call("e1", List.of(event("e1", 5_000), event("e1", 5_000)).iterator(), state)))
        .containsExactly("e1 false false", "e1 false true");
    assertThat(state.get()).isEqualTo(5_000);
    assertThat(state.getTimeoutTimestampMs().get()).isEqualTo(BATCH_TIME + 60_000);

    TestGroupState<Long> seen = dedupState(5_000L, 0, false);
    assertThat(tags(FIRST_SIGHTING.call("e1", List.of(event("e1", 5_000)).iterator(), seen)))
        .containsExactly("e1 false true");
    assertThat(seen.isUpdated()).isFalse();

    TestGroupState<Long> expired = dedupState(5_000L, 9_000, true);
    assertThat(tags(FIRST_SIGHTING.call("e1", List.<Row>of().iterator(), expired))).isEmpty();
    assertThat(expired.isRemoved()).isTrue();

    TestGroupState<Long> notYet = dedupState(9_000L, 5_000, true);
    assertThat(tags(FIRST_SIGHTING.call("e1", List.<Row>of().iterator(), notYet))).isEmpty();
    assertThat(notYet.exists()).isTrue();
    assertThat(notYet.getTimeoutTimestampMs().get()).isEqualTo(BATCH_TIME + 60_000);
  }

  @Test
  void anEventOlderThanTheWatermarkIsTaggedLateAndKeepsNoStateAndAnInvalidOnePassesAsItCame() throws Exception {
    TestGroupState<Long> late = dedupState(null, 9_000, false);
    assertThat(tags(FIRST_SIGHTING.call("e2", List.of(event("e2", 5_000), event("e2", 5_000)).iterator(), late)))
        .containsExactly("e2 true false", "e2 false true");
    assertThat(late.exists()).isFalse();

    TestGroupState<Long> invalid = dedupState(null, 0, false);
    Row bad = RowFactory.create("e3", new Timestamp(5_000), "malformed_json");
    assertThat(tags(FIRST_SIGHTING.call("q1", List.of(bad, bad).iterator(), invalid)))
        .containsExactly("e3 false false", "e3 false false");
    assertThat(invalid.exists()).isFalse();
  }

  // bucketed deduplication (DEDUP_STATE buckets): the same rows, keys of 10 s of event time and a digest partition
  private static final Deduplication.BucketedFirstSighting BUCKETED =
      new Deduplication.BucketedFirstSighting(0, 1, 2, 60_000);

  private static TestGroupState<byte[]> bucketState(byte[] stored, long watermark, boolean timedOut) {
    return TestGroupState.create(stored == null ? Optional.empty() : Optional.of(stored),
        GroupStateTimeout.ProcessingTimeTimeout(), BATCH_TIME, Optional.of(watermark), timedOut);
  }

  @Test
  void aBucketLetsEachEventThroughOnceAndRemembersItsDigestsSortedUntilTheWatermarkPassesItsEnd() throws Exception {
    String key = Deduplication.BucketedFirstSighting.key("e1", 5_000);
    assertThat(key).matches("e0/\\d+");
    TestGroupState<byte[]> state = bucketState(null, 0, false);
    // e1 twice in a batch, e2 once, e3 late (older than the watermark of 4 s)
    assertThat(tags(BUCKETED.call(key, List.of(event("e1", 5_000), event("e2", 6_000), event("e1", 5_000),
        event("e3", 3_000)).iterator(), bucketState(null, 4_000, false)))).containsExactly("e1 false false",
        "e2 false false", "e1 false true", "e3 true false");

    assertThat(tags(BUCKETED.call(key, List.of(event("e1", 5_000), event("e2", 6_000)).iterator(), state)))
        .containsExactly("e1 false false", "e2 false false");
    byte[] two = state.get();
    assertThat(two).hasSize(2 * EventDigests.BYTES);
    assertThat(java.util.Arrays.compareUnsigned(two, 0, 16, two, 16, 32)).isNegative();
    assertThat(state.getTimeoutTimestampMs().get()).isEqualTo(BATCH_TIME + 60_000);

    // a later batch: e1 again is a repeat; the same id at another time is another event
    TestGroupState<byte[]> next = bucketState(two, 0, false);
    assertThat(tags(BUCKETED.call(key, List.of(event("e1", 5_000), event("e1", 5_001)).iterator(), next)))
        .containsExactly("e1 false true", "e1 false false");
    assertThat(next.get()).hasSize(3 * EventDigests.BYTES);
    assertThat(EventDigests.contains(next.get(), EventDigests.of("e2", 6_000))).isTrue();
    assertThat(EventDigests.contains(next.get(), EventDigests.of("e2", 6_001))).isFalse();

    // the bucket [0 s, 10 s) goes once the watermark reaches its end, not before
    TestGroupState<byte[]> notYet = bucketState(two, 9_999, true);
    assertThat(tags(BUCKETED.call(key, List.<Row>of().iterator(), notYet))).isEmpty();
    assertThat(notYet.exists()).isTrue();
    TestGroupState<byte[]> expired = bucketState(two, 10_000, true);
    assertThat(tags(BUCKETED.call(key, List.<Row>of().iterator(), expired))).isEmpty();
    assertThat(expired.isRemoved()).isTrue();

    TestGroupState<byte[]> invalid = bucketState(null, 0, false);
    Row bad = RowFactory.create("e3", new Timestamp(5_000), "malformed_json");
    assertThat(tags(BUCKETED.call("q1", List.of(bad, bad).iterator(), invalid)))
        .containsExactly("e3 false false", "e3 false false");
    assertThat(invalid.exists()).isFalse();
  }

  @Test
  void digestsMergeSortedAndAreFoundByBinarySearch() {
    java.util.List<byte[]> digests = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      digests.add(EventDigests.of("id-" + i, i));
    }
    byte[] first = EventDigests.plus(new byte[0], digests.subList(0, 600));
    byte[] all = EventDigests.plus(first, digests.subList(600, 1000));
    assertThat(all).hasSize(1000 * EventDigests.BYTES);
    for (int i = 1; i < 1000; i++) {
      assertThat(java.util.Arrays.compareUnsigned(all, (i - 1) * 16, i * 16, all, i * 16, (i + 1) * 16))
          .isNegative();
    }
    assertThat(digests).allMatch(d -> EventDigests.contains(all, d));
    assertThat(EventDigests.contains(first, digests.get(700))).isFalse();
    assertThat(EventDigests.contains(all, EventDigests.of("id-1", 2))).isFalse();
  }

  // threshold alerts: rows of (sensor_id, metric, value, breach, event_time, event_id, latitude, longitude)
  private static final ThresholdAlerts.Sequence SEQUENCE =
      new ThresholdAlerts.Sequence(Thresholds.parse("temperature:-30:30"), 2, 3_600_000);

  private static Row reading(String id, long time, double value) {
    return RowFactory.create("s1", "temperature", value, value > 30 ? "above" : null, new Timestamp(time), id, null,
        null);
  }

  private static List<String> kinds(Iterator<Row> out) {
    List<String> kinds = new ArrayList<>();
    out.forEachRemaining(r -> kinds.add(r.getString(3) + "@" + r.getString(5)));
    return kinds;
  }

  @Test
  void readingsInEventTimeOrderMakeABreachAndARecoveryAndAnOlderOneIsSkippedAsOutOfOrder() throws Exception {
    TestGroupState<Row> state = TestGroupState.create(Optional.empty(), GroupStateTimeout.ProcessingTimeTimeout(),
        BATCH_TIME, Optional.empty(), false);
    // out of order within the batch: sorted first
    assertThat(kinds(SEQUENCE.call("s1", List.of(reading("r2", 2_000, 36), reading("r1", 1_000, 35),
        reading("r3", 3_000, 20)).iterator(), state))).containsExactly("breach@r2", "recovered@r3");
    assertThat(state.get().getLong(2)).isEqualTo(3_000);
    assertThat(state.getTimeoutTimestampMs().get()).isEqualTo(BATCH_TIME + 3_600_000);

    // a later batch brings one older than the last seen, and its repeat of the last
    assertThat(kinds(SEQUENCE.call("s1", List.of(reading("r0", 500, 40), reading("r3", 3_000, 20)).iterator(), state)))
        .containsExactly("skipped:out_of_order@r0", "skipped:out_of_order@r3");

    TestGroupState<Row> silent = TestGroupState.create(Optional.of(state.get()),
        GroupStateTimeout.ProcessingTimeTimeout(), BATCH_TIME + 3_600_000, Optional.empty(), true);
    assertThat(kinds(SEQUENCE.call("s1", List.<Row>of().iterator(), silent))).isEmpty();
    assertThat(silent.isRemoved()).isTrue();
  }
}
