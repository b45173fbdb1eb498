package com.fleetstream.jobs.transform;

import com.fleetstream.jobs.config.DedupStateLayout;
import com.fleetstream.jobs.config.SparkDuration;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Drops repeated events (producer retries, replays: the same event id and event time) within the watermark. */
public final class Deduplication {
  /** Set on rows older than the watermark when they arrived. */
  public static final String LATE = "late";
  /** Set on repeats of an event id already emitted, so they are counted before {@link #withoutRepeats} drops them. */
  public static final String DUPLICATE = "duplicate";
  /** The event time of valid rows only, which the events query's watermark follows. */
  private static final String CLOCK = "valid_event_time";

  /**
   * Spark would run a batch without data at every trigger to look for processing-time timeouts;
   * they are looked for in every batch with data anyway, which is often enough to bound the state.
   */
  public static final Map<String, String> QUERY_CONF = Map.of("spark.sql.streaming.noDataMicroBatches.enabled", "false");

  private Deduplication() {}

  /**
   * For the events query: every validated record once. Valid ones are deduplicated like Spark's
   * {@code dropDuplicatesWithinWatermark}, but a row older than the watermark is kept, with
   * {@link #LATE} set, so it can be stored apart instead of being lost; invalid ones pass through as they came, so the one
   * query that reads the stream for events also carries its quarantine. Spark's own deduplication,
   * and any state function with event-time timeouts, drops late rows before user code sees them;
   * with processing-time timeouts it filters nothing. The timeout only wakes a key up to compare its
   * event time with the watermark. Repeats come out too, with {@link #DUPLICATE} set, to be counted
   * and then dropped by {@link #withoutRepeats}. Run the query with {@link #QUERY_CONF}.
   *
   * @param layout how the state remembers events: {@link DedupStateLayout#BUCKETS}, or the layout of
   *     checkpoints made before it
   */
  public static Dataset<Row> keepingLate(Dataset<Row> validated, SparkDuration watermark, DedupStateLayout layout) {
    // the watermark follows valid events only: a quarantined record (stamped 2100, say) must move no clock
    Dataset<Row> clocked = validated.withColumn(CLOCK, functions.when(functions.col(EventValidation.REASON).isNull(),
        functions.col("event_time")));
    StructType schema = clocked.schema();
    StructType tagged = schema.add(LATE, DataTypes.BooleanType, false).add(DUPLICATE, DataTypes.BooleanType, false);
    int reason = schema.fieldIndex(EventValidation.REASON);
    int eventId = schema.fieldIndex("event_id");
    int eventTime = schema.fieldIndex("event_time");
    int sequence = schema.fieldIndex("sequence_number");
    Dataset<Row> watermarked = clocked.withWatermark(CLOCK, watermark.spark());
    if (layout == DedupStateLayout.PER_ID) {
      return watermarked
          .groupByKey((MapFunction<Row, String>) r -> r.isNullAt(reason) ? "e" + r.getString(eventId)
              : "q" + r.getString(sequence), Encoders.STRING())
          .flatMapGroupsWithState(new FirstSighting(eventTime, reason, watermark.value().toMillis()),
              OutputMode.Append(), Encoders.LONG(), Encoders.row(tagged), GroupStateTimeout.ProcessingTimeTimeout())
          .drop(CLOCK);
    }
    return watermarked
        .groupByKey((MapFunction<Row, String>) r -> r.isNullAt(reason)
            ? BucketedFirstSighting.key(r.getString(eventId), ((Timestamp) r.get(eventTime)).getTime())
            : "q" + r.getString(sequence), Encoders.STRING())
        .flatMapGroupsWithState(new BucketedFirstSighting(eventId, eventTime, reason, watermark.value().toMillis()),
            OutputMode.Append(), Encoders.BINARY(), Encoders.row(tagged), GroupStateTimeout.ProcessingTimeTimeout())
        .drop(CLOCK);
  }

  /** {@link #keepingLate}'s rows but the repeats. */
  public static Dataset<Row> withoutRepeats(Dataset<Row> tagged) {
    return tagged.filter(functions.not(functions.col(DUPLICATE))).drop(DUPLICATE);
  }

  /** The valid rows of {@link #keepingLate} that were on time. */
  public static Dataset<Row> onTime(Dataset<Row> tagged) {
    return EventValidation.valid(tagged.filter(functions.not(functions.col(LATE)))).drop(LATE);
  }

  /** The valid rows of {@link #keepingLate} that came after the watermark. */
  public static Dataset<Row> late(Dataset<Row> tagged) {
    return EventValidation.valid(tagged.filter(functions.col(LATE))).drop(LATE);
  }

  /** State per event id: its event time, kept until the watermark passes it. */
  record FirstSighting(int eventTime, int reason, long wakeUpMs)
      implements FlatMapGroupsWithStateFunction<String, Row, Long, Row> {
    @Override
    public Iterator<Row> call(String eventId, Iterator<Row> rows, GroupState<Long> state) {
      long watermark = state.getCurrentWatermarkMs();
      if (state.hasTimedOut()) {
        if (state.get() < watermark) {
          state.remove();
        } else {
          state.setTimeoutDuration(wakeUpMs);
        }
        return Collections.emptyIterator();
      }
      Row first = rows.next(); // a group that has not timed out has rows
      List<Row> out = new ArrayList<>();
      if (!first.isNullAt(reason)) { // invalid: keyed by its sequence number, it goes to quarantine as it came
        out.add(tag(first, false, false));
        rows.forEachRemaining(r -> out.add(tag(r, false, false)));
        return out.iterator();
      }
      if (state.exists()) { // every row is a repeat of one already emitted
        out.add(tag(first, false, true));
      } else {
        long time = ((Timestamp) first.get(eventTime)).getTime();
        boolean late = time < watermark;
        if (!late) {
          state.update(time);
          state.setTimeoutDuration(wakeUpMs);
        }
        // a late event keeps no state: the watermark has passed it already (the late table merges on
        // the event's id and time instead)
        out.add(tag(first, late, false));
      }
      rows.forEachRemaining(r -> out.add(tag(r, false, true)));
      return out.iterator();
    }

    static Row tag(Row row, boolean late, boolean duplicate) {
      Object[] values = new Object[row.size() + 2];
      for (int i = 0; i < row.size(); i++) {
        values[i] = row.get(i);
      }
      values[row.size()] = late;
      values[row.size() + 1] = duplicate;
      return RowFactory.create(values);
    }
  }

  /**
   * {@link DedupStateLayout#BUCKETS}: state per bucket of 10 seconds of event time and partition
   * ({@link #key}), the sorted digests of the events it let through ({@link EventDigests}). A
   * bucket is dropped once the watermark passes its end, found by a processing-time timeout as in
   * {@link FirstSighting}; its events are older than the watermark from then on, so none of them can
   * be let through again.
   */
  record BucketedFirstSighting(int eventId, int eventTime, int reason, long wakeUpMs)
      implements FlatMapGroupsWithStateFunction<String, Row, byte[], Row> {
    static final long BUCKET_MS = 10_000;
    static final int PARTITIONS = 16;

    /**
     * "e" + the bucket's first millisecond + "/" + one of {@link #PARTITIONS}, from the id's and time's
     * hash codes (Java specifies both, so every JVM agrees): the digest itself is taken once, in
     * {@link #call}.
     */
    static String key(String eventId, long eventTimeMs) {
      int hash = 31 * eventId.hashCode() + Long.hashCode(eventTimeMs);
      return "e" + Math.floorDiv(eventTimeMs, BUCKET_MS) * BUCKET_MS + "/" + ((hash ^ (hash >>> 16)) & (PARTITIONS - 1));
    }

    private static long bucketEnd(String key) {
      return Long.parseLong(key.substring(1, key.indexOf('/'))) + BUCKET_MS;
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<byte[]> state) {
      long watermark = state.getCurrentWatermarkMs();
      if (state.hasTimedOut()) {
        if (bucketEnd(key) <= watermark) {
          state.remove();
        } else {
          state.setTimeoutDuration(wakeUpMs);
        }
        return Collections.emptyIterator();
      }
      List<Row> out = new ArrayList<>();
      if (key.startsWith("q")) { // invalid: keyed by its sequence number, it goes to quarantine as it came
        rows.forEachRemaining(r -> out.add(FirstSighting.tag(r, false, false)));
        return out.iterator();
      }
      byte[] seen = state.exists() ? state.get() : new byte[0];
      TreeSet<byte[]> now = new TreeSet<>(Arrays::compareUnsigned);
      List<byte[]> added = new ArrayList<>();
      rows.forEachRemaining(r -> {
        long time = ((Timestamp) r.get(eventTime)).getTime();
        byte[] digest = EventDigests.of(r.getString(eventId), time);
        if (EventDigests.contains(seen, digest) || !now.add(digest)) {
          out.add(FirstSighting.tag(r, false, true));
        } else if (time < watermark) {
          // a late event keeps no state: the watermark has passed it already (the late table merges on
          // the event's id and time instead)
          out.add(FirstSighting.tag(r, true, false));
        } else {
          added.add(digest);
          out.add(FirstSighting.tag(r, false, false));
        }
      });
      if (!added.isEmpty()) {
        state.update(EventDigests.plus(seen, added));
        state.setTimeoutDuration(wakeUpMs);
      }
      return out.iterator();
    }
  }
}
