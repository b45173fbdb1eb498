package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import java.net.URI;
import java.util.Optional;

/**
 * Where and how often alerts are published. Alerts are always stored (with PostgreSQL as a sink, in
 * {@code fleet.alerts}); they are sent to SNS when {@code ALERTS_TOPIC_ARN} is set, at most one
 * message per entity, rule and kind of transition per {@code ALERT_MIN_INTERVAL} of event time, and at most
 * {@code ALERTS_MAX_PER_BATCH} messages per batch, the rest summed up in one digest message.
 * {@code SNS_ENDPOINT} points the client at a local stand-in. An entity that sends nothing for
 * {@code ALERT_STATE_TIMEOUT} of processing time loses its alert state: its next event starts afresh.
 */
public record AlertsConfig(Optional<String> topicArn, Optional<URI> snsEndpoint, String region,
    SparkDuration minInterval, int maxPerBatch, SparkDuration stateTimeout) {

  static AlertsConfig from(GlueArgs args, SinkConfig sinks) {
    Optional<String> topic = args.optional("ALERTS_TOPIC_ARN");
    if (topic.isPresent() && !topic.get().startsWith("arn:")) {
      throw new InvalidArgumentException("ALERTS_TOPIC_ARN", "must be an SNS topic ARN, got '" + topic.get() + "'");
    }
    if (topic.isPresent() && sinks.postgres().isEmpty()) {
      throw new InvalidArgumentException("ALERTS_TOPIC_ARN",
          "needs postgres in SINKS: the alerts table is the publisher's outbox");
    }
    return new AlertsConfig(topic,
        Optional.ofNullable(args.parsed("SNS_ENDPOINT", null, URI::create)),
        JobArgs.region(args),
        args.parsed("ALERT_MIN_INTERVAL", SparkDuration.parse("15 minutes"), SparkDuration::parse),
        args.integer("ALERTS_MAX_PER_BATCH", 20, 1, 1000),
        // a parked vehicle's GPS may be off for a weekend: its exit from the depot on Monday still counts
        JobArgs.duration(args, "ALERT_STATE_TIMEOUT", "7 days"));
  }
}
