package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;

/** What every streaming job shares: its source, where it writes, and how it triggers and stops. */
public record StreamingConfig(
    KinesisSourceConfig source,
    String outputPath,
    String checkpointPath,
    SparkDuration triggerInterval,
    SparkDuration windowsTriggerInterval,
    SparkDuration dedupWatermark,
    DedupStateLayout dedupState,
    DeviceTime deviceTime,
    SparkDuration windowDuration,
    SparkDuration maxEventAge,
    int shufflePartitions,
    boolean stopWhenDrained,
    int maxRunSeconds,
    SinkConfig sinks,
    AlertsConfig alerts,
    MetricsConfig metrics) {

  /** @param job the job's own name, its {@code JobName} dimension where Glue passes no {@code JOB_NAME} */
  public static StreamingConfig from(GlueArgs args, String job, String defaultStream, String defaultWindow) {
    String outputPath = JobArgs.uri(args, "OUTPUT_PATH", "file:///tmp/fleetstream/output");
    SinkConfig sinks = SinkConfig.from(args, outputPath);
    SparkDuration maxEventAge = maxEventAge(args);
    sinks.postgres().flatMap(PostgresConfig::historyRetention).ifPresent(retention -> {
      if (retention.value().compareTo(maxEventAge.value()) < 0) {
        throw new InvalidArgumentException("PG_HISTORY_RETENTION", "must be at least MAX_EVENT_AGE ("
            + maxEventAge.value().toDays() + " days): a fix that old would recreate a day already dropped");
      }
    });
    SparkDuration trigger = JobArgs.duration(args, "TRIGGER_INTERVAL", "5 seconds");
    KinesisSourceConfig source = KinesisSourceConfig.from(args, defaultStream);
    return new StreamingConfig(
        source,
        outputPath,
        // a checkpoint holds positions in its streams (the source refuses any other): by default, named after them
        JobArgs.uri(args, "CHECKPOINT_PATH", "file:///tmp/fleetstream/checkpoints/"
            + String.join("+", source.streamNames())),
        trigger,
        // a window's row is final only once the watermark passes its end, minutes after its events:
        // its query may run less often than the events query, which is what readers wait for
        JobArgs.duration(args, "WINDOWS_TRIGGER_INTERVAL", trigger.spark()),
        JobArgs.duration(args, "DEDUP_WATERMARK", "1 hour"),
        args.parsed("DEDUP_STATE", DedupStateLayout.BUCKETS, StreamingConfig::stateLayout),
        new DeviceTime(JobArgs.duration(args, "WINDOW_WATERMARK", "10 minutes").value(),
            JobArgs.duration(args, "MAX_DEVICE_DELAY", "3 hours").value(),
            // past this silence a device's older fixes are quarantined anyway (MAX_EVENT_AGE, plus the hour
            // of clock error in the future that validation allows): forgetting it can change nothing written
            maxEventAge.value().plusHours(1)),
        JobArgs.duration(args, "WINDOW_DURATION", defaultWindow),
        maxEventAge,
        JobArgs.shufflePartitions(args),
        // Glue streaming jobs run until stopped; local runs and tests stop once the stream is drained.
        args.bool("STOP_WHEN_DRAINED", false),
        args.integer("MAX_RUN_SECONDS", 0, 0, Integer.MAX_VALUE),
        sinks,
        AlertsConfig.from(args, sinks),
        MetricsConfig.from(args, job));
  }

  private static DedupStateLayout stateLayout(String text) {
    return switch (text) {
      case "buckets" -> DedupStateLayout.BUCKETS;
      case "per-id" -> DedupStateLayout.PER_ID;
      default -> throw new IllegalArgumentException("must be buckets or per-id (the layout of checkpoints made"
          + " before buckets)");
    };
  }

  /** Days of PostgreSQL's position history kept: PG_HISTORY_RETENTION, else 90 days or MAX_EVENT_AGE if longer. */
  public java.time.Duration historyRetention() {
    java.time.Duration byDefault = java.time.Duration.ofDays(90).compareTo(maxEventAge.value()) >= 0
        ? java.time.Duration.ofDays(90) : maxEventAge.value();
    return sinks.postgres().flatMap(PostgresConfig::historyRetention).map(SparkDuration::value).orElse(byDefault);
  }

  /**
   * A tracker offline for weeks uploads what it buffered; older than this, an event time is a reset
   * clock (1970, 2000-01-01), and each day of events is a history partition of its own.
   */
  private static SparkDuration maxEventAge(GlueArgs args) {
    SparkDuration age = JobArgs.duration(args, "MAX_EVENT_AGE", "30 days");
    if (age.value().compareTo(java.time.Duration.ofDays(3650)) > 0) {
      throw new InvalidArgumentException("MAX_EVENT_AGE",
          "must be at most 3650 days, got " + age.value().toDays() + " days");
    }
    return age;
  }
}
