package com.fleetstream.jobs;

import com.fleetstream.jobs.runtime.StreamingQueries;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/** A job's events query's counts over one run, summed from its batches' observed metrics. */
public record EventsCounts(long read, long quarantined, long derived, long kept, long late, long duplicates) {
  public static EventsCounts of(StreamingQueries job) {
    long[] sum = new long[6];
    for (StreamingQueryProgress p : job.query("events").recentProgress()) {
      Row validated = p.observedMetrics().get("validated");
      Row kept = p.observedMetrics().get("kept");
      if (validated != null) {
        sum[0] += validated.getLong(0);
        sum[1] += validated.getLong(1);
        sum[2] += validated.getLong(2);
      }
      if (kept != null) {
        sum[3] += kept.getLong(0);
        sum[4] += kept.getLong(1);
        sum[5] += kept.getLong(2);
      }
    }
    return new EventsCounts(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]);
  }
}
