package com.fleetstream.notifier;

import java.time.Duration;
import java.util.Map;

/** The Lambda's settings, from its environment. */
public record NotifierConfig(
    String topicArn,
    String manifestPrefix,
    String manifestSuffix,
    String idempotencyPrefix,
    Duration staleClaim,
    String athenaDatabase,
    String dataset) {

  public static NotifierConfig fromEnvironment(Map<String, String> env) {
    String topic = env.get("TOPIC_ARN");
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("environment variable TOPIC_ARN is required");
    }
    return new NotifierConfig(
        topic,
        env.getOrDefault("MANIFEST_PREFIX", "_manifests/"),
        env.getOrDefault("MANIFEST_SUFFIX", ".json"),
        env.getOrDefault("IDEMPOTENCY_PREFIX", "_notifier/published/"),
        // longer than the function's timeout: a claim this old belongs to an invocation that died
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("STALE_CLAIM_SECONDS", "300"))),
        env.getOrDefault("ATHENA_DATABASE", "fleetstream_final"),
        env.getOrDefault("DATASET", "fleetstream-final"));
  }
}
