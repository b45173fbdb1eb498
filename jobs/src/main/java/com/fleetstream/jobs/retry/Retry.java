package com.fleetstream.jobs.retry;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries work that failed because the server was unreachable, restarting or too busy, with
 * exponential back-off and jitter (one Failsafe {@link RetryPolicy} per job); anything else (a
 * constraint, a bug) fails at once. Only idempotent work belongs here.
 */
public final class Retry {
  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

  /** Longer waits only make a recovered server wait for us. */
  private static final Duration MAX_DELAY = Duration.ofSeconds(20);
  /** Each wait varies by up to a quarter either way, so that restarted jobs do not call in step. */
  private static final double JITTER = 0.25;

  private final RetryPolicy<Object> policy;

  /** A failure the work found itself and that another attempt can mend, such as a server that lost what it was sent. */
  public static final class Transient extends Exception {
    public Transient(String message) {
      super(message);
    }
  }

  public Retry(int maxAttempts, Duration firstDelay) {
    this.policy = RetryPolicy.builder()
        .handleIf(Retry::isTransient)
        .withBackoff(firstDelay, MAX_DELAY.compareTo(firstDelay) > 0 ? MAX_DELAY : firstDelay)
        .withJitter(JITTER)
        .withMaxAttempts(maxAttempts)
        .build();
  }

  public <T> T run(String what, Callable<T> work) {
    int maxAttempts = policy.getConfig().getMaxAttempts();
    RetryPolicy<Object> logged = RetryPolicy.builder(policy.getConfig())
        .onRetryScheduled(e -> LOG.warn("{}: attempt {}/{} failed ({}), retrying in {} ms", what, e.getAttemptCount(),
            maxAttempts, rootMessage(e.getLastException()), e.getDelay().toMillis()))
        .build();
    Throwable failure;
    try {
      @SuppressWarnings("unchecked")
      T result = (T) Failsafe.with(logged).get(work::call);
      return result;
    } catch (FailsafeException e) {
      failure = e.getCause() == null ? e : e.getCause();
    } catch (RuntimeException e) {
      failure = e;
    }
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", failure);
    }
    if (isTransient(failure)) {
      throw new IllegalStateException(what + ": " + system(failure) + " still unavailable after " + maxAttempts
          + " attempts", failure);
    }
    throw failure instanceof RuntimeException r ? r : new IllegalStateException(what + " failed", failure);
  }

  /**
   * Connection failures (08xxx, a socket timeout included), server shutdown (57P0x), resource limits
   * (53xxx), serialization, deadlock, a lock not granted within lock_timeout (55P03), and {@link Transient}.
   */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof Transient) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P0") || state.startsWith("53")
            || state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Which system failed: PostgreSQL for a driver error, otherwise the endpoint that refused the
   * connection (work such as alert publication also calls SNS).
   */
  static String system(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return "PostgreSQL";
      }
    }
    return "the server behind '" + rootMessage(e) + "'";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }
}
