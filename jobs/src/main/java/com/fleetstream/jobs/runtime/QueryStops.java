package com.fleetstream.jobs.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** When a query has drained its stream, and how to stop queries without losing a batch's work. */
final class QueryStops {
  private static final Logger LOG = LoggerFactory.getLogger(QueryStops.class);

  private QueryStops() {}

  /**
   * Whether the query's last trigger found no new data and its last report read nothing: a batch that
   * read rows moves the watermark, and the batch Spark then runs without data (closing windows, ending
   * trips) must come first. A trigger that is only probing the shards counts as idle: when every probe
   * takes most of the trigger interval (two drivers on two cores, a slow endpoint) a moment with no
   * trigger active may never come, and a drained job ran on to MAX_RUN_SECONDS. A query that needs no
   * such batch reports itself idle within {@link SparkSessions#DRAINING_PROGRESS_INTERVAL}.
   */
  private static boolean idle(StreamingQuery q) {
    return q.lastProgress() != null && BatchAccounting.rowsRead(q.lastProgress()) == 0 && !q.status().isDataAvailable();
  }

  /**
   * Whether every query is {@link #idle} and last looked for data after the last batch of any of
   * them that read some had ended: a query reading what another writes (the events as stored) finds
   * a batch's rows only in a trigger that starts after that batch.
   */
  static boolean drained(List<StreamingQuery> queries) {
    if (!queries.stream().allMatch(QueryStops::idle)) {
      return false;
    }
    Instant lastRead = queries.stream().map(QueryStops::lastReadEnded).max(Comparator.naturalOrder())
        .orElse(Instant.MIN);
    return queries.stream().allMatch(q -> Instant.parse(q.lastProgress().timestamp()).isAfter(lastRead));
  }

  /**
   * When the query's last batch that read rows ended; when its recent reports hold none, no later
   * than the oldest of them began.
   */
  private static Instant lastReadEnded(StreamingQuery q) {
    StreamingQueryProgress[] recent = q.recentProgress();
    for (int i = recent.length - 1; i >= 0; i--) {
      if (BatchAccounting.rowsRead(recent[i]) > 0) {
        return Instant.parse(recent[i].timestamp())
            .plusMillis(recent[i].durationMs().getOrDefault("triggerExecution", 0L));
      }
    }
    return recent.length == 0 ? Instant.MIN : Instant.parse(recent[0].timestamp());
  }

  /** Stopping inside a batch aborts it (it is replayed on restart); wait for the gap between batches. */
  static void betweenBatches(List<StreamingQuery> queries) throws InterruptedException {
    for (StreamingQuery q : queries) {
      long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (q.status().isTriggerActive() && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      try {
        q.stop();
      } catch (TimeoutException e) {
        throw new IllegalStateException("query " + q.name() + " did not stop", e);
      }
    }
  }

  /** Stops what still runs when the job fails anyway: a stop that fails is logged, not thrown. */
  static void quietly(List<StreamingQuery> queries) {
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", q.name(), e.toString());
      }
    }
  }
}
