package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import java.net.URI;

/** The keys more than one job's configuration reads, and the forms of value they share: each parsed here once. */
final class JobArgs {
  private JobArgs() {}

  /** The region of every AWS client a job makes: Kinesis, Secrets Manager, SNS. */
  static String region(GlueArgs args) {
    return args.string("AWS_REGION", "us-east-1");
  }

  static int shufflePartitions(GlueArgs args) {
    return args.integer("SHUFFLE_PARTITIONS", 8, 1, 10_000);
  }

  /** Below this speed a vehicle counts as idle (windows' idle minutes, the combine job's summaries). */
  static double idleSpeedKmh(GlueArgs args) {
    return args.doubleValue("IDLE_SPEED_KMH", 1.0);
  }

  static SparkDuration duration(GlueArgs args, String key, String dflt) {
    SparkDuration d = args.parsed(key, SparkDuration.parse(dflt), SparkDuration::parse);
    if (d.value().isZero()) {
      throw new InvalidArgumentException(key, "must be greater than zero");
    }
    return d;
  }

  static String uri(GlueArgs args, String key, String dflt) {
    return uri(key, args.parsed(key, URI.create(dflt), URI::create));
  }

  /** @param key the argument {@code uri} came from, for the message */
  static String uri(String key, URI uri) {
    String value = uri.toString();
    if (uri.getScheme() == null) {
      throw new InvalidArgumentException(key, "must be a URI with a scheme (s3://, s3a://, file://), got '" + value + "'");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
