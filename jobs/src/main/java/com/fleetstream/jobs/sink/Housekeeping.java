package com.fleetstream.jobs.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a streaming job keeps tidy every interval, on a thread of its own driver beside its queries,
 * so no batch waits on it: compaction of its append-only Delta tables ({@link DeltaCompaction}),
 * VACUUM of all its Delta tables, and (location job) the retention of PostgreSQL's position history.
 *
 * <p>Why the Delta work is here and not in another job: on S3, Delta's {@code S3SingleDriverLogStore}
 * keeps two writers from both writing the same log entry {@code N.json} only when both are in one JVM.
 * An OPTIMIZE from a second driver (the combine job did it) could overwrite a stream's append, losing
 * it and its transaction id, or the stream could overwrite the OPTIMIZE's removes, duplicating rows.
 * Delta's multi-driver log store for S3 needs DynamoDB. Here, the tables are exactly those the job's
 * sinks write ({@link JobSinks}), and the job runs once at a time (Glue's max concurrency 1), so
 * every writer of a table is in this JVM.
 *
 * <p>A task that fails (an OPTIMIZE that conflicts with an append into a closed hour, a database that
 * is down) changes no data, is logged, and is tried again at the next interval; the others go on.
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  private static final long STOP_WAIT_SECONDS = 120;

  /**
   * One chore, by name for the log.
   *
   * @param every at most this often (a round runs it when this long has passed since it last ran);
   *     zero: every round
   */
  public record Task(String name, Duration every, Runnable work) {
    public Task(String name, Runnable work) {
      this(name, Duration.ZERO, work);
    }
  }

  private final ScheduledExecutorService executor;

  private Housekeeping(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** The first round runs one interval after the start: a job restarted often still gets to it. */
  @SafeVarargs
  public static Housekeeping start(SparkSession spark, String job, Duration interval, List<Task>... chores) {
    List<Task> tasks = java.util.Arrays.stream(chores).flatMap(List::stream).toList();
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, job + "-housekeeping");
      t.setDaemon(true);
      return t;
    });
    if (!tasks.isEmpty()) {
      Map<String, Instant> lastRuns = new HashMap<>(); // only the executor's one thread touches it
      executor.scheduleWithFixedDelay(() -> round(spark, job, tasks, lastRuns), interval.toMillis(),
          interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return new Housekeeping(executor);
  }

  private static void round(SparkSession spark, String job, List<Task> tasks, Map<String, Instant> lastRuns) {
    spark.sparkContext().setJobGroup(job + "-housekeeping", "compaction, VACUUM and retention", false);
    for (Task task : tasks) {
      Instant last = lastRuns.get(task.name());
      if (last != null && last.plus(task.every()).isAfter(Instant.now())) {
        continue;
      }
      try {
        task.work().run();
        lastRuns.put(task.name(), Instant.now());
      } catch (RuntimeException e) {
        LOG.warn("{}: {} failed, tried again at the next interval: {}", job, task.name(), e.toString());
      }
    }
  }

  /** Lets a running round finish (it would be wasted, not harmful, if cut short). */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
