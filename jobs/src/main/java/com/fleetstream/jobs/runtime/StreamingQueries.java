package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.config.SparkDuration;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.metrics.CloudWatchPublisher;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.sink.Sinks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a job's streaming queries, each checkpointed under {@code CHECKPOINT_PATH/<job>/<name>} and
 * writing every batch to its sinks ({@link BatchWriter}), and runs them until they fail
 * ({@link SupervisedQuery}), are stopped, or (local runs) the stream is drained ({@link QueryStops}).
 */
public final class StreamingQueries {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingQueries.class);
  private static final int DRAINED_POLLS = 2;
  private static final Duration LISTENER_DRAIN = Duration.ofSeconds(10);

  private final SparkSession spark;
  private final StreamingConfig config;
  private final String job;
  private final Optional<CloudWatchPublisher> metrics;
  private final BatchAccounting accounting;
  private final UnaryOperator<BatchSink> decorate;
  private final Map<String, SupervisedQuery> queries = new LinkedHashMap<>();

  /** @param decorate wraps every sink; tests inject faults with it, jobs pass the identity */
  public StreamingQueries(SparkSession spark, StreamingConfig config, String job, UnaryOperator<BatchSink> decorate) {
    this.spark = spark;
    this.config = config;
    this.job = job;
    this.decorate = decorate;
    this.metrics = CloudWatchPublisher.open(config.metrics());
    this.accounting = new BatchAccounting(job, (progress, counts) ->
        metrics.ifPresent(m -> m.publish(progress, counts)));
    spark.streams().addListener(accounting);
  }

  /** A query this job started, by its short name ("events", "windows", ...); also after it stopped. */
  public StreamingQuery query(String name) {
    return queries.get(name).last();
  }

  /** Starts query {@code job-name} on the job's {@code TRIGGER_INTERVAL}. */
  public StreamingQuery start(String name, Dataset<Row> rows, Sinks sinks) {
    return start(name, rows, sinks, Map.of());
  }

  /**
   * @param sessionConf settings for this query only: a query takes a copy of the session's settings
   *     when it starts
   */
  public StreamingQuery start(String name, Dataset<Row> rows, Sinks sinks, Map<String, String> sessionConf) {
    return start(name, rows, sinks, sessionConf, config.triggerInterval());
  }

  /** @param trigger this query's micro-batch interval, when not the job's {@code TRIGGER_INTERVAL} */
  public StreamingQuery start(String name, Dataset<Row> rows, Sinks sinks, Map<String, String> sessionConf,
      SparkDuration trigger) {
    return start(name, rows, sinks, sessionConf, trigger, false);
  }

  /** A query whose failure does not stop the job's others: it is restarted ({@link SupervisedQuery}). */
  public StreamingQuery startRestarting(String name, Dataset<Row> rows, Sinks sinks, Map<String, String> sessionConf) {
    return start(name, rows, sinks, sessionConf, config.triggerInterval(), true);
  }

  private StreamingQuery start(String name, Dataset<Row> rows, Sinks sinks, Map<String, String> sessionConf,
      SparkDuration trigger, boolean restarting) {
    String queryName = job + "-" + name;
    BatchWriter writer = new BatchWriter(queryName, sinks.stream().map(decorate).toList(), accounting);
    Supplier<StreamingQuery> starter = () -> {
      synchronized (StreamingQueries.class) { // jobs sharing a session start queries concurrently
        return SessionSettings.with(spark, sessionConf, () -> startQuery(queryName, rows, writer, trigger));
      }
    };
    SupervisedQuery q = new SupervisedQuery(starter, restarting);
    queries.put(name, q);
    return q.last();
  }

  private StreamingQuery startQuery(String queryName, Dataset<Row> rows, BatchWriter writer, SparkDuration trigger) {
    try {
      return rows.writeStream()
          .queryName(queryName)
          .option("checkpointLocation", checkpoint(queryName))
          .trigger(Trigger.ProcessingTime(trigger.value().toMillis()))
          .outputMode("append")
          .foreachBatch(writer)
          .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("query " + queryName + " did not start", e);
    }
  }

  /**
   * Blocks while the queries run. Returns when all are drained (with {@code STOP_WHEN_DRAINED}) or
   * {@code MAX_RUN_SECONDS} is up (without it); throws as soon as one fails (a restarting one: once it
   * is out of restarts), after stopping the others, and when {@code MAX_RUN_SECONDS} is up before a
   * run that was to drain the stream did.
   */
  public void awaitAll() {
    long deadline = config.maxRunSeconds() == 0 ? Long.MAX_VALUE
        : System.nanoTime() + Duration.ofSeconds(config.maxRunSeconds()).toNanos();
    long poll = Math.max(200, Math.min(config.triggerInterval().value().toMillis(), 5_000));
    int drainedPolls = 0;
    try {
      while (true) {
        for (SupervisedQuery q : queries.values()) {
          try {
            q.check(job, this::checkpoint);
          } catch (IllegalStateException e) {
            QueryStops.quietly(running());
            throw e;
          }
        }
        boolean drained = queries.values().stream().allMatch(q -> q.running() != null) && QueryStops.drained(running());
        drainedPolls = drained ? drainedPolls + 1 : 0;
        if (config.stopWhenDrained() && drainedPolls >= DRAINED_POLLS) {
          LOG.info("{}: stream drained, stopping", job);
          break;
        }
        if (System.nanoTime() > deadline) {
          if (config.stopWhenDrained()) {
            // a run asked to drain the stream that stops short of it must not look like one that did
            QueryStops.betweenBatches(running());
            throw new IllegalStateException(job + ": MAX_RUN_SECONDS=" + config.maxRunSeconds()
                + " reached before the stream was drained (STOP_WHEN_DRAINED); the batches committed so far are"
                + " written, the rest is read by the next run");
          }
          LOG.info("{}: MAX_RUN_SECONDS={} reached, stopping", job, config.maxRunSeconds());
          break;
        }
        Thread.sleep(poll);
      }
      List<StreamingQuery> stopping = running();
      QueryStops.betweenBatches(stopping);
      for (StreamingQuery q : stopping) { // the batch it waited for (one the watermark runs) may have failed
        if (q.exception().isDefined()) {
          throw new IllegalStateException(job + ": query " + q.name() + " failed in its last batch: "
              + q.exception().get().message(), q.exception().get());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      QueryStops.quietly(running());
      throw new IllegalStateException(job + " interrupted", e);
    } finally {
      try {
        // progress reports reach listeners asynchronously: the last batches' counts are still on their way
        spark.sparkContext().listenerBus().waitUntilEmpty(LISTENER_DRAIN.toMillis());
      } catch (TimeoutException e) {
        LOG.warn("{}: the last progress reports were not all counted within {}", job, LISTENER_DRAIN);
      }
      spark.streams().removeListener(accounting);
      metrics.ifPresent(CloudWatchPublisher::close);
    }
  }

  private List<StreamingQuery> running() {
    return queries.values().stream().map(SupervisedQuery::running).filter(Objects::nonNull).toList();
  }

  /** Where query {@code job-name} keeps its checkpoint. */
  private String checkpoint(String queryName) {
    return config.checkpointPath() + "/" + job + "/" + queryName.substring(queryName.indexOf('-') + 1);
  }
}
