package com.fleetstream.jobs.metrics;

import com.fleetstream.jobs.config.MetricsConfig;
import com.fleetstream.jobs.io.AwsClients;
import com.fleetstream.jobs.runtime.BatchAccounting.Counts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * Sends a job's {@link StreamMetrics} to CloudWatch (PutMetricData) from a thread of its own, so a
 * slow or unreachable CloudWatch never holds up Spark's listener bus, let alone a batch. Metrics are
 * observability, not data: a call that still fails after the SDK's retries is counted and logged (the
 * first at once, then a summary at most every five minutes) and the job goes on; when calls back
 * up, the oldest waiting one is dropped and counted.
 */
public final class CloudWatchPublisher implements AutoCloseable {
  /** PutMetricData's limit on values per call. */
  static final int MAX_DATA_PER_CALL = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(CloudWatchPublisher.class);
  private static final long REPORT_EVERY_NANOS = Duration.ofMinutes(5).toNanos();

  private final MetricsConfig config;
  private final String namespace;
  private final CloudWatchClient client;
  private final ThreadPoolExecutor sender;
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile long lastReport = System.nanoTime() - REPORT_EVERY_NANOS;

  private CloudWatchPublisher(MetricsConfig config, String namespace) {
    this.config = config;
    this.namespace = namespace;
    this.client = AwsClients.build(CloudWatchClient.builder(), config.region(), config.endpoint(),
        AwsRetryStrategy.standardRetryStrategy());
    this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
      Thread t = new Thread(r, "cloudwatch-metrics");
      t.setDaemon(true);
      return t;
    }, (task, pool) -> {
      dropped.incrementAndGet();
      pool.getQueue().poll();
      pool.getQueue().offer(task);
    });
  }

  /** A publisher when {@code METRICS_NAMESPACE} is set. */
  public static Optional<CloudWatchPublisher> open(MetricsConfig config) {
    return config.namespace().map(n -> new CloudWatchPublisher(config, n));
  }

  /** Queues the metrics of one progress report of one of this job's queries. */
  public void publish(StreamingQueryProgress progress, Optional<Counts> counts) {
    List<StreamMetrics.Datum> data = StreamMetrics.of(config.jobName(), progress, counts);
    if (!data.isEmpty()) {
      sender.execute(() -> send(data));
    }
  }

  private void send(List<StreamMetrics.Datum> data) {
    for (int from = 0; from < data.size(); from += MAX_DATA_PER_CALL) {
      List<MetricDatum> call = data.subList(from, Math.min(data.size(), from + MAX_DATA_PER_CALL)).stream()
          .map(CloudWatchPublisher::datum).toList();
      try {
        client.putMetricData(b -> b.namespace(namespace).metricData(call));
      } catch (RuntimeException e) {
        long n = failed.incrementAndGet();
        if (n == 1 || System.nanoTime() - lastReport > REPORT_EVERY_NANOS) {
          lastReport = System.nanoTime();
          LOG.warn("CloudWatch refused or did not answer PutMetricData to namespace {} ({} calls failed so far, {}"
              + " dropped as they backed up); the job goes on without those metrics. Check the job role's"
              + " cloudwatch:PutMetricData for this namespace and the network's path to monitoring: {}", namespace, n,
              dropped.get(), e.toString());
        }
      }
    }
  }

  private static MetricDatum datum(StreamMetrics.Datum d) {
    return MetricDatum.builder().metricName(d.name()).unit(StandardUnit.fromValue(d.unit())).value(d.value())
        .timestamp(d.at())
        .dimensions(d.dimensions().entrySet().stream()
            .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList())
        .build();
  }

  /** Sends what is queued (waiting up to 10 s), then closes the client. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("CloudWatch metrics still queued after 10 s were not sent");
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
    if (failed.get() > 0 || dropped.get() > 0) {
      LOG.warn("CloudWatch metrics: {} PutMetricData calls failed, {} dropped as they backed up", failed.get(),
          dropped.get());
    }
  }
}
