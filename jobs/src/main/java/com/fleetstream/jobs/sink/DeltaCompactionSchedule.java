package com.fleetstream.jobs.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts a streaming job's append-only Delta tables ({@link DeltaCompaction}) every interval, on
 * a thread of the job's own driver beside its queries, so no batch waits on it.
 *
 * <p>Why here and not in another job: on S3, Delta's {@code S3SingleDriverLogStore} keeps two writers
 * from both writing the same log entry {@code N.json} only when both are in one JVM. An OPTIMIZE from
 * a second driver (the combine job did it) could overwrite a stream's append, losing it and its
 * transaction id, or the stream could overwrite the OPTIMIZE's removes, duplicating rows. Delta's
 * multi-driver log store for S3 needs DynamoDB. Here, the tables compacted are exactly those the
 * job's sinks append to ({@link JobSinks#appendOnlyDeltaTables}), and the job runs once at a time
 * (Glue's max concurrency 1), so every writer of a table is in this JVM.
 *
 * <p>An OPTIMIZE that conflicts with an append (a late event in a closed hour) loses, and is tried
 * again at the next interval; so does one that fails for any other reason, which changes no data.
 */
public final class DeltaCompactionSchedule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaCompactionSchedule.class);
  private static final long STOP_WAIT_SECONDS = 120;

  private final ScheduledExecutorService executor;

  private DeltaCompactionSchedule(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** The first compaction runs one interval after the start: a job restarted often still compacts. */
  public static DeltaCompactionSchedule start(SparkSession spark, String job, List<String> tables, Duration interval) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, job + "-delta-compaction");
      t.setDaemon(true);
      return t;
    });
    if (!tables.isEmpty()) {
      executor.scheduleWithFixedDelay(() -> compact(spark, job, tables), interval.toMillis(), interval.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return new DeltaCompactionSchedule(executor);
  }

  private static void compact(SparkSession spark, String job, List<String> tables) {
    spark.sparkContext().setJobGroup(job + "-compaction", "OPTIMIZE of the closed hours of " + tables, false);
    Instant now = Instant.now();
    for (String table : tables) {
      try {
        DeltaCompaction.compactHoursBefore(spark, table, now);
      } catch (RuntimeException e) {
        LOG.warn("{}: compacting {} failed, tried again at the next interval: {}", job, table, e.toString());
      }
    }
  }

  /** Lets a running compaction finish (it would be wasted, not harmful, if cut short). */
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
