package com.fleetstream.jobs.config;

import java.net.URI;

/** What every streaming job shares: its source, where it writes, and how it triggers and stops. */
public record StreamingConfig(
    KinesisSourceConfig source,
    String outputPath,
    String checkpointPath,
    SparkDuration triggerInterval,
    SparkDuration windowsTriggerInterval,
    SparkDuration dedupWatermark,
    SparkDuration windowWatermark,
    SparkDuration windowDuration,
    SparkDuration maxEventAge,
    int shufflePartitions,
    boolean stopWhenDrained,
    int maxRunSeconds,
    SinkConfig sinks,
    AlertsConfig alerts) {

  public static StreamingConfig from(GlueArgs args, String defaultStream, String defaultWindow) {
    String outputPath = uri(args, "OUTPUT_PATH", "file:///tmp/fleetstream/output");
    SinkConfig sinks = SinkConfig.from(args, outputPath);
    SparkDuration trigger = duration(args, "TRIGGER_INTERVAL", "5 seconds");
    KinesisSourceConfig source = KinesisSourceConfig.from(args, defaultStream);
    return new StreamingConfig(
        source,
        outputPath,
        // a checkpoint holds positions in one stream (the source refuses any other): by default, named after it
        uri(args, "CHECKPOINT_PATH", "file:///tmp/fleetstream/checkpoints/" + source.streamName()),
        trigger,
        // a window's row is final only once the watermark passes its end, minutes after its events:
        // its query may run less often than the events query, which is what readers wait for
        duration(args, "WINDOWS_TRIGGER_INTERVAL", trigger.spark()),
        duration(args, "DEDUP_WATERMARK", "1 hour"),
        duration(args, "WINDOW_WATERMARK", "10 minutes"),
        duration(args, "WINDOW_DURATION", defaultWindow),
        maxEventAge(args),
        args.integer("SHUFFLE_PARTITIONS", 8, 1, 10_000),
        // Glue streaming jobs run until stopped; local runs and tests stop once the stream is drained.
        args.bool("STOP_WHEN_DRAINED", false),
        args.integer("MAX_RUN_SECONDS", 0, 0, Integer.MAX_VALUE),
        sinks,
        AlertsConfig.from(args, sinks));
  }

  /**
   * A tracker offline for weeks uploads what it buffered; older than this, an event time is a reset
   * clock (1970, 2000-01-01), and each day of events is a history partition of its own.
   */
  private static SparkDuration maxEventAge(GlueArgs args) {
    SparkDuration age = duration(args, "MAX_EVENT_AGE", "30 days");
    if (age.value().compareTo(java.time.Duration.ofDays(3650)) > 0) {
      throw new InvalidArgumentException("MAX_EVENT_AGE",
          "must be at most 3650 days, got " + age.value().toDays() + " days");
    }
    return age;
  }

  static SparkDuration duration(GlueArgs args, String key, String dflt) {
    SparkDuration d = args.parsed(key, SparkDuration.parse(dflt), SparkDuration::parse);
    if (d.value().isZero()) {
      throw new InvalidArgumentException(key, "must be greater than zero");
    }
    return d;
  }

  static String uri(GlueArgs args, String key, String dflt) {
    URI uri = args.parsed(key, URI.create(dflt), URI::create);
    String value = uri.toString();
    if (uri.getScheme() == null) {
      throw new InvalidArgumentException(key, "must be a URI with a scheme (s3://, s3a://, file://), got '" + value + "'");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
