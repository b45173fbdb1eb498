package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a job's streaming queries and runs them until they fail, are stopped, or (local runs) the
 * stream is drained. Each query writes every batch to its sinks from one foreachBatch, reading the
 * batch once (persisted) however many sinks there are. A query started with {@link #startRestarting}
 * (alerts) does not take the others down when it fails: it is restarted from its checkpoint after a
 * back-off, and only fails the job after {@value #MAX_RESTARTS} failures in a row.
 */
public final class StreamingQueries {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingQueries.class);
  /** Spark puts the running query's id into this local property of the thread running foreachBatch. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";
  private static final int DRAINED_POLLS = 2;
  private static final int MAX_RESTARTS = 5;
  private static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(10);
  private static final Duration MAX_RESTART_DELAY = Duration.ofMinutes(5);

  private final SparkSession spark;
  private final StreamingConfig config;
  private final String job;
  private final BatchAccounting accounting = new BatchAccounting();
  private final UnaryOperator<BatchSink> decorate;
  private final Map<String, Running> running = new LinkedHashMap<>();

  /** A started query, the way to start it again, and (restarting queries) its failures in a row. */
  private static final class Running {
    final Supplier<StreamingQuery> starter;
    final boolean restarting;
    StreamingQuery query;
    StreamingQuery last;
    int failures;
    long restartAt;

    Running(Supplier<StreamingQuery> starter, boolean restarting) {
      this.starter = starter;
      this.restarting = restarting;
      this.query = starter.get();
      this.last = query;
    }
  }

  /** @param decorate wraps every sink; tests inject faults with it, jobs pass the identity */
  public StreamingQueries(SparkSession spark, StreamingConfig config, String job, UnaryOperator<BatchSink> decorate) {
    this.spark = spark;
    this.config = config;
    this.job = job;
    this.decorate = decorate;
    spark.streams().addListener(accounting);
  }

  /** A query this job started, by its short name ("events", "windows", ...); also after it stopped. */
  public StreamingQuery query(String name) {
    return running.get(name).last;
  }

  /** Starts query {@code job-name}, checkpointed under the job's checkpoint path. */
  public StreamingQuery start(String name, Dataset<Row> rows, List<BatchSink> configured) {
    return start(name, rows, configured, Map.of());
  }

  /**
   * @param sessionConf settings for this query only: a query takes a copy of the session's settings
   *     when it starts
   */
  public StreamingQuery start(String name, Dataset<Row> rows, List<BatchSink> configured,
      Map<String, String> sessionConf) {
    return start(name, rows, configured, sessionConf, config.triggerInterval());
  }

  /** @param trigger this query's micro-batch interval, when not the job's {@code TRIGGER_INTERVAL} */
  public StreamingQuery start(String name, Dataset<Row> rows, List<BatchSink> configured,
      Map<String, String> sessionConf, SparkDuration trigger) {
    return start(name, rows, configured, sessionConf, trigger, false);
  }

  /**
   * A query whose failure must not stop the job's others (alerts: an SNS or PostgreSQL outage must
   * not stop ingestion): logged, then restarted from its checkpoint after 10 s, doubling to 5 min.
   * {@value #MAX_RESTARTS} failures in a row, with no batch read between them, fail the job.
   */
  public StreamingQuery startRestarting(String name, Dataset<Row> rows, List<BatchSink> configured,
      Map<String, String> sessionConf) {
    return start(name, rows, configured, sessionConf, config.triggerInterval(), true);
  }

  private StreamingQuery start(String name, Dataset<Row> rows, List<BatchSink> configured,
      Map<String, String> sessionConf, SparkDuration trigger, boolean restarting) {
    String queryName = job + "-" + name;
    List<BatchSink> sinks = configured.stream().map(decorate).toList();
    VoidFunction2<Dataset<Row>, Long> writeBatch = (batch, batchId) -> {
      BatchId id = new BatchId(batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY), batchId);
      // Every sink runs a few Spark jobs over the batch. A micro-batch split into more partitions
      // than there are cores pays task overhead in each of them and writes more small files.
      Dataset<Row> cached = batch.coalesce(batch.sparkSession().sparkContext().defaultParallelism())
          .persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Long> millis = new java.util.concurrent.ConcurrentSkipListMap<>();
      long start = System.nanoTime();
      try {
        cached.count(); // computed once here, not by whichever sink asks first while the others wait
        millis.put("(read and transform)", (System.nanoTime() - start) / 1_000_000);
        writeLanes(cached, sinks, (sink, n) -> accounting.recordWritten(queryName, batchId, sink.name(), n),
            millis, id);
      } finally {
        cached.unpersist();
      }
      LOG.info("{} batch {} took {} ms: {}", queryName, batchId, (System.nanoTime() - start) / 1_000_000, millis);
    };
    Supplier<StreamingQuery> starter = () -> {
      synchronized (StreamingQueries.class) { // jobs sharing a session start queries concurrently
        return SessionSettings.with(spark, sessionConf, () -> startQuery(queryName, rows, writeBatch, trigger));
      }
    };
    Running r = new Running(starter, restarting);
    running.put(name, r);
    return r.query;
  }

  /**
   * The sinks' lanes write concurrently: a lake write mostly waits on storage and log commits, so
   * they overlap well even on few cores. The batch fails, once every lane has stopped, if any did.
   * Each lane runs on a thread started here, which takes this thread's Spark properties (the
   * batch's execution and job group) with it.
   */
  private static void writeLanes(Dataset<Row> batch, List<BatchSink> sinks,
      ObjLongConsumer<BatchSink> written, Map<String, Long> millis, BatchId id) {
    Map<String, List<BatchSink>> lanes = new LinkedHashMap<>();
    sinks.forEach(s -> lanes.computeIfAbsent(s.lane(), k -> new ArrayList<>()).add(s));
    List<CompletableFuture<Void>> running = lanes.values().stream()
        .map(lane -> CompletableFuture.runAsync(() -> {
          for (BatchSink sink : lane) {
            long start = System.nanoTime();
            written.accept(sink, sink.write(batch, id));
            millis.put(sink.name(), (System.nanoTime() - start) / 1_000_000);
          }
        }, task -> new Thread(task, "sink-lane-" + lane.get(0).lane()).start()))
        .toList();
    Throwable failure = null;
    for (var lane : running) {
      try {
        lane.join();
      } catch (CompletionException e) {
        if (failure == null) {
          failure = e.getCause();
        } else {
          failure.addSuppressed(e.getCause());
        }
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  private StreamingQuery startQuery(String queryName, Dataset<Row> rows,
      VoidFunction2<Dataset<Row>, Long> writeBatch, SparkDuration trigger) {
    try {
      return rows.writeStream()
          .queryName(queryName)
          .option("checkpointLocation", checkpoint(queryName))
          .trigger(Trigger.ProcessingTime(trigger.value().toMillis()))
          .outputMode("append")
          .foreachBatch(writeBatch)
          .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("query " + queryName + " did not start", e);
    }
  }

  /**
   * Blocks while the queries run. Returns when all are drained (with {@code STOP_WHEN_DRAINED}) or
   * {@code MAX_RUN_SECONDS} is up; throws as soon as one fails (a restarting one: once it is out of
   * restarts), after stopping the others.
   */
  public void awaitAll() {
    long deadline = config.maxRunSeconds() == 0 ? Long.MAX_VALUE
        : System.nanoTime() + Duration.ofSeconds(config.maxRunSeconds()).toNanos();
    long poll = Math.max(200, Math.min(config.triggerInterval().value().toMillis(), 5_000));
    int drainedPolls = 0;
    try {
      while (true) {
        for (Running r : running.values()) {
          if (r.query == null) {
            if (System.nanoTime() >= r.restartAt) {
              r.query = r.starter.get();
              r.last = r.query;
            }
          } else if (!r.query.isActive()) {
            failed(r);
          }
        }
        boolean drained = running.values().stream().allMatch(r -> r.query != null && idle(r.query));
        drainedPolls = drained ? drainedPolls + 1 : 0;
        if (config.stopWhenDrained() && drainedPolls >= DRAINED_POLLS) {
          LOG.info("{}: stream drained, stopping", job);
          break;
        }
        if (System.nanoTime() > deadline) {
          LOG.info("{}: MAX_RUN_SECONDS={} reached, stopping", job, config.maxRunSeconds());
          break;
        }
        Thread.sleep(poll);
      }
      stopBetweenBatches(active());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopQuietly(active());
      throw new IllegalStateException(job + " interrupted", e);
    } finally {
      spark.streams().removeListener(accounting);
    }
  }

  /** A query that is no longer active: restarted later, or the job fails. */
  private void failed(Running r) {
    StreamingQuery q = r.query;
    String failure;
    StreamingQueryException cause = null;
    try {
      q.awaitTermination(); // rethrows the query's failure
      failure = "query " + q.name() + " stopped unexpectedly";
    } catch (StreamingQueryException e) {
      cause = e;
      failure = CheckpointCompatibility.explain(e, q.name(), checkpoint(q.name()))
          .orElse(job + ": a streaming query failed: " + e.message());
    }
    boolean readSince = java.util.Arrays.stream(q.recentProgress()).anyMatch(p -> p.numInputRows() > 0);
    r.failures = readSince ? 1 : r.failures + 1;
    if (r.restarting && cause != null && r.failures <= MAX_RESTARTS) {
      long delay = Math.min(FIRST_RESTART_DELAY.toMillis() << (r.failures - 1), MAX_RESTART_DELAY.toMillis());
      LOG.error("{} (failure {} of at most {} in a row); the job's other queries go on, and {} restarts from its"
          + " checkpoint in {} s", failure, r.failures, MAX_RESTARTS, q.name(), delay / 1000, cause);
      r.query = null;
      r.restartAt = System.nanoTime() + delay * 1_000_000;
      return;
    }
    stopQuietly(active());
    throw new IllegalStateException(r.restarting && cause != null
        ? failure + " (" + r.failures + " failures in a row)" : failure, cause);
  }

  private List<StreamingQuery> active() {
    return running.values().stream().map(r -> r.query).filter(java.util.Objects::nonNull).toList();
  }

  /** Where query {@code job-name} keeps its checkpoint. */
  private String checkpoint(String queryName) {
    return config.checkpointPath() + "/" + job + "/" + queryName.substring(queryName.indexOf('-') + 1);
  }

  /**
   * Whether the query's last trigger found no new data. A trigger that is only probing the shards
   * counts as idle: when every probe takes most of the trigger interval (two drivers on two cores,
   * a slow endpoint) a moment with no trigger active may never come, and a drained job ran on to
   * MAX_RUN_SECONDS. A batch the watermark still runs without new data is finished by
   * {@link #stopBetweenBatches} before the query stops.
   */
  private static boolean idle(StreamingQuery q) {
    return q.lastProgress() != null && !q.status().isDataAvailable();
  }

  /** Stopping inside a batch aborts it (it is replayed on restart); wait for the gap between batches. */
  private static void stopBetweenBatches(List<StreamingQuery> queries) throws InterruptedException {
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

  private static void stopQuietly(List<StreamingQuery> queries) {
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", q.name(), e.toString());
      }
    }
  }
}
