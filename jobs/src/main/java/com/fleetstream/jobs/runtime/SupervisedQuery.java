package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.retry.Retry;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * One of a job's queries, as {@link StreamingQueries#awaitAll} watches it. A failure fails the job,
 * unless the query is a restarting one (alerts: an SNS or PostgreSQL outage must not stop ingestion):
 * then it is logged and the query restarted from its checkpoint after 10 s, doubling to 5 min.
 * {@value #MAX_RESTARTS} failures in a row, with no batch read between them, fail the job, unless
 * each was a server's outage ({@link #outage}): an SNS outage of an hour restarts the alerts query
 * every 5 minutes until SNS is back, and the pending alerts go out then, while the job's other
 * queries go on.
 */
final class SupervisedQuery {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisedQuery.class);
  static final int MAX_RESTARTS = 5;
  private static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(10);
  private static final Duration MAX_RESTART_DELAY = Duration.ofMinutes(5);

  private final Supplier<StreamingQuery> starter;
  private final boolean restarting;
  private final Duration firstDelay;
  private final Duration maxDelay;
  /** null while a restarting query waits for its next start */
  private StreamingQuery query;
  private StreamingQuery last;
  private int failures;
  private long restartAt;

  SupervisedQuery(Supplier<StreamingQuery> starter, boolean restarting) {
    this(starter, restarting, FIRST_RESTART_DELAY, MAX_RESTART_DELAY);
  }

  SupervisedQuery(Supplier<StreamingQuery> starter, boolean restarting, Duration firstDelay, Duration maxDelay) {
    this.starter = starter;
    this.restarting = restarting;
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
    this.query = starter.get();
    this.last = query;
  }

  /**
   * Whether a failure is a server being unavailable, which waiting mends: what a batch's retries
   * take as transient and outlasted ({@link Retry#isTransient}: a connection refused, PostgreSQL
   * restarting or busy), a connection timed out or a name not resolved, or an AWS service's 5xx or
   * throttling past the SDK's retries.
   */
  static boolean outage(Throwable failure) {
    if (Retry.isTransient(failure)) {
      return true;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof UnknownHostException
          || t instanceof AwsServiceException aws && (aws.statusCode() >= 500 || aws.isThrottlingException())) {
        return true;
      }
    }
    return false;
  }

  /** The running query, or null while it waits to be restarted. */
  StreamingQuery running() {
    return query;
  }

  /** The query last started: the running one, or the one that failed last. */
  StreamingQuery last() {
    return last;
  }

  /**
   * Restarts the query when its back-off is over; looks at a running one for a failure.
   *
   * @param checkpoint where the query of that name keeps its checkpoint, for the failure's message
   * @throws IllegalStateException the query failed and the job must stop
   */
  void check(String job, UnaryOperator<String> checkpoint) {
    if (query == null) {
      if (System.nanoTime() >= restartAt) {
        query = starter.get();
        last = query;
      }
    } else if (!query.isActive()) {
      failed(job, checkpoint);
    }
  }

  private void failed(String job, UnaryOperator<String> checkpoint) {
    StreamingQuery q = query;
    String failure;
    StreamingQueryException cause = null;
    try {
      q.awaitTermination(); // rethrows the query's failure
      failure = "query " + q.name() + " stopped unexpectedly";
    } catch (StreamingQueryException e) {
      cause = e;
      failure = CheckpointCompatibility.explain(e, q.name(), checkpoint.apply(q.name()))
          .orElse(job + ": a streaming query failed: " + e.message());
    }
    boolean readSince = Arrays.stream(q.recentProgress()).anyMatch(p -> BatchAccounting.rowsRead(p) > 0);
    failures = readSince ? 1 : failures + 1;
    boolean outage = cause != null && outage(cause);
    if (restarting && cause != null && (failures <= MAX_RESTARTS || outage)) {
      long delay = Math.min(firstDelay.toMillis() << Math.min(failures - 1, 20), maxDelay.toMillis());
      LOG.error("{} ({}); the job's other queries go on, and {} restarts from its checkpoint in {} s", failure,
          outage ? "a server's outage, failure " + failures + " in a row: restarted until it is back"
              : "failure " + failures + " of at most " + MAX_RESTARTS + " in a row", q.name(), delay / 1000, cause);
      query = null;
      restartAt = System.nanoTime() + delay * 1_000_000;
      return;
    }
    throw new IllegalStateException(restarting && cause != null
        ? failure + " (" + failures + " failures in a row)" : failure, cause);
  }
}
