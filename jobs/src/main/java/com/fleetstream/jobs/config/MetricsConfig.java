package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import java.net.URI;
import java.util.Optional;

/**
 * Where a streaming job publishes its CloudWatch metrics (consumer lag per shard, per-batch counts):
 * {@code METRICS_NAMESPACE}, none by default, when the counts are only logged. The job's name, the
 * {@code JobName} dimension, is Glue's {@code JOB_NAME} (Glue passes it to every run), else the job's
 * own name. {@code CLOUDWATCH_ENDPOINT} points the client at a local stand-in.
 */
public record MetricsConfig(Optional<String> namespace, String jobName, Optional<URI> endpoint, String region) {

  static MetricsConfig from(GlueArgs args, String job) {
    Optional<String> namespace = args.optional("METRICS_NAMESPACE");
    namespace.ifPresent(n -> {
      // CloudWatch's own rules for a namespace: 1..255 characters of these, and not AWS's prefix
      if (!n.matches("[A-Za-z0-9.\\-_/#:]{1,255}") || n.startsWith("AWS/")) {
        throw new InvalidArgumentException("METRICS_NAMESPACE", "must be 1-255 letters, digits or . - _ / # :"
            + " and not start with AWS/, got '" + n + "'");
      }
    });
    return new MetricsConfig(namespace, args.string("JOB_NAME", job),
        Optional.ofNullable(args.parsed("CLOUDWATCH_ENDPOINT", null, URI::create)), JobArgs.region(args));
  }
}
