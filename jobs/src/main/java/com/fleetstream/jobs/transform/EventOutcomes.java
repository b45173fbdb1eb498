package com.fleetstream.jobs.transform;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A batch of the events query ({@link Deduplication#keepingLate}, then {@link Deduplication#withoutRepeats}:
 * every record once) split by outcome, each as its sinks store it. Together the outcomes cover the
 * batch: {@link #quarantined}, {@link #onTime} and {@link #late} are disjoint; {@link #valid} is the
 * last two in one.
 */
public final class EventOutcomes {
  private EventOutcomes() {}

  /** Records that failed validation, partitioned by the hour they arrived (their event time may be what failed). */
  public static Dataset<Row> quarantined(Dataset<Row> batch) {
    return Partitioning.byHourOf(Quarantine.records(batch), "arrival_time");
  }

  /** Valid events within the watermark, as the lake keeps them. */
  public static Dataset<Row> onTime(Dataset<Row> batch) {
    return stored(Deduplication.onTime(batch));
  }

  /**
   * Valid events older than the watermark when they arrived, as the lake keeps them. They are not
   * deduplicated against earlier batches, so their table is merged on the event id.
   */
  public static Dataset<Row> late(Dataset<Row> batch) {
    return stored(Deduplication.late(batch));
  }

  /** Every valid event, on time or late: for tables keyed on the event (PostgreSQL's), late is no matter. */
  public static Dataset<Row> valid(Dataset<Row> batch) {
    return EventValidation.valid(batch).drop(Deduplication.LATE);
  }

  /** Partitioned by the hour of their event time, without the raw payload. */
  private static Dataset<Row> stored(Dataset<Row> events) {
    return Partitioning.byHourOf(events, "event_time").drop("payload");
  }
}
