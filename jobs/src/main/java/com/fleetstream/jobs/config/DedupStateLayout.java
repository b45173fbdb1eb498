package com.fleetstream.jobs.config;

/**
 * How the events query remembers the events it has let through ({@code DEDUP_STATE}). A
 * checkpoint's state has the layout it was made with: a query refuses a checkpoint of the other.
 */
public enum DedupStateLayout {
  /**
   * A repeat is an event with the same id and event time. The state holds, per 10 seconds of event
   * time and one of 16 partitions, the sorted 16-byte digests of the events let through
   * ({@code Deduplication.BucketedFirstSighting}): about 30 bytes an event, and a few thousand keys an
   * hour where {@link #PER_ID} has one per event, which Spark's heap store copies and scans every batch.
   */
  BUCKETS,
  /** A repeat is an event with the same id; the state holds one entry per id (the layout before 2026-12). */
  PER_ID
}
