package com.fleetstream.jobs.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Where and how to read one Kinesis stream. {@code connector} picks the source: ours
 * ({@code fleetstream}, the default) replays a batch exactly after a crash; Glue's built-in source
 * ({@code glue}, bare option names such as {@code maxRecordPerRead}) and the open-source
 * spark-sql-kinesis connector ({@code spark-sql-kinesis}, {@code kinesis.executor.*} names; it must be
 * on the classpath) re-read a replayed batch up to the moment of the replay, which the sinks' per-batch
 * idempotence cannot make exactly-once.
 */
public record KinesisSourceConfig(
    String streamName,
    String region,
    String endpointUrl,
    Connector connector,
    StartingPosition startingPosition,
    int maxRecordsPerRead,
    int maxRecordsPerShard,
    SparkDuration maxFetchTime,
    Optional<String> accessKeyId,
    Optional<String> secretKey) {

  public enum Connector { FLEETSTREAM, GLUE, SPARK_SQL_KINESIS }

  @Override
  public String toString() {
    // the job logs its configuration at start; never the secret
    return "KinesisSourceConfig[streamName=" + streamName + ", region=" + region + ", endpointUrl=" + endpointUrl
        + ", connector=" + connector + ", startingPosition=" + startingPosition + ", maxRecordsPerRead="
        + maxRecordsPerRead + ", maxRecordsPerShard=" + maxRecordsPerShard + ", maxFetchTime=" + maxFetchTime.spark()
        + ", accessKeyId=" + accessKeyId.map(k -> "<set>").orElse("<none>") + "]";
  }

  public enum StartingPosition { TRIM_HORIZON, LATEST }

  public static KinesisSourceConfig from(GlueArgs args, String defaultStream) {
    String region = args.string("AWS_REGION", "us-east-1");
    SparkDuration maxFetchTime = args.parsed("MAX_FETCH_TIME", SparkDuration.parse("5 seconds"), SparkDuration::parse);
    if (maxFetchTime.value().isZero()) {
      throw new InvalidArgumentException("MAX_FETCH_TIME", "must be greater than zero");
    }
    return new KinesisSourceConfig(
        args.string("STREAM_NAME", defaultStream),
        region,
        args.string("KINESIS_ENDPOINT", "https://kinesis." + region + ".amazonaws.com"),
        args.parsed("KINESIS_CONNECTOR", Connector.FLEETSTREAM,
            s -> Connector.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'))),
        args.parsed("STARTING_POSITION", StartingPosition.TRIM_HORIZON,
            s -> StartingPosition.valueOf(s.toUpperCase(Locale.ROOT))),
        args.integer("MAX_RECORDS_PER_READ", 10_000, 1, 10_000),
        // what one micro-batch takes from a shard at most (our source only): a backlog after a
        // stop is worked off in batches of a bounded size rather than one batch of all of it
        args.integer("MAX_RECORDS_PER_SHARD", 100_000, 1, Integer.MAX_VALUE),
        maxFetchTime,
        // Only for emulators: on AWS the job's IAM role is used and no key is ever an argument.
        args.optional("KINESIS_ACCESS_KEY_ID"),
        args.optional("KINESIS_SECRET_KEY"));
  }
}
