package com.fleetstream.jobs.retry;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries work that failed because the server was unreachable, restarting or too busy, with
 * exponential back-off and jitter; anything else (a constraint, a bug) fails at once. Only idempotent
 * work belongs here.
 */
public final class Retry {
  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

  /** Longer waits only make a recovered server wait for us. */
  private static final Duration MAX_DELAY = Duration.ofSeconds(20);

  private final int maxAttempts;
  private final Duration firstDelay;

  /** A failure the work found itself and that another attempt can mend, such as a server that lost what it was sent. */
  public static final class Transient extends Exception {
    public Transient(String message) {
      super(message);
    }
  }

  public Retry(int maxAttempts, Duration firstDelay) {
    this.maxAttempts = maxAttempts;
    this.firstDelay = firstDelay;
  }

  public <T> T run(String what, Callable<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.call();
      } catch (Exception e) {
        if (!isTransient(e)) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(what + " failed", e);
        }
        if (attempt >= maxAttempts) {
          throw new IllegalStateException(what + ": " + system(e) + " still unavailable after " + attempt + " attempts",
              e);
        }
        long delay = Math.min(firstDelay.toMillis() << Math.min(attempt - 1, 20), MAX_DELAY.toMillis());
        delay += ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        LOG.warn("{}: attempt {}/{} failed ({}), retrying in {} ms", what, attempt, maxAttempts, rootMessage(e), delay);
        try {
          Thread.sleep(delay);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(what + " interrupted", ie);
        }
      }
    }
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
