package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.kinesis.KinesisReadOptions;
import java.util.Locale;
import java.util.Optional;

/** Where and how our Kinesis source (module {@code kinesis-source}) reads one Kinesis stream. */
public record KinesisSourceConfig(
    String streamName,
    String region,
    String endpointUrl,
    StartingPosition startingPosition,
    int maxRecordsPerRead,
    int maxRecordsPerShard,
    SparkDuration maxFetchTime,
    boolean failOnDataLoss,
    Optional<String> accessKeyId,
    Optional<String> secretKey) {

  @Override
  public String toString() {
    // the job logs its configuration at start; never the secret
    return "KinesisSourceConfig[streamName=" + streamName + ", region=" + region + ", endpointUrl=" + endpointUrl
        + ", startingPosition=" + startingPosition + ", maxRecordsPerRead="
        + maxRecordsPerRead + ", maxRecordsPerShard=" + maxRecordsPerShard + ", maxFetchTime=" + maxFetchTime.spark()
        + ", failOnDataLoss=" + failOnDataLoss
        + ", accessKeyId=" + accessKeyId.map(k -> "<set>").orElse("<none>") + "]";
  }

  public enum StartingPosition { TRIM_HORIZON, LATEST }

  public static KinesisSourceConfig from(GlueArgs args, String defaultStream) {
    String region = JobArgs.region(args);
    SparkDuration maxFetchTime = args.parsed("MAX_FETCH_TIME", new SparkDuration(KinesisReadOptions.DEFAULT_MAX_FETCH),
        SparkDuration::parse);
    if (maxFetchTime.value().isZero()) {
      throw new InvalidArgumentException("MAX_FETCH_TIME", "must be greater than zero");
    }
    if (args.optional("KINESIS_CONNECTOR").isPresent()) {
      // a job configured for another connector must not quietly run on ours
      throw new InvalidArgumentException("KINESIS_CONNECTOR", "is not accepted: the jobs read Kinesis with their own"
          + " source only, the one that replays a batch exactly after a crash; remove the argument");
    }
    return new KinesisSourceConfig(
        args.string("STREAM_NAME", defaultStream),
        region,
        args.string("KINESIS_ENDPOINT", "https://kinesis." + region + ".amazonaws.com"),
        args.parsed("STARTING_POSITION", StartingPosition.valueOf(KinesisReadOptions.DEFAULT_STARTING_POSITION),
            s -> StartingPosition.valueOf(s.toUpperCase(Locale.ROOT))),
        args.integer("MAX_RECORDS_PER_READ", KinesisReadOptions.DEFAULT_MAX_RECORDS_PER_READ, 1, 10_000),
        // what one micro-batch takes from a shard at most (our source only): a backlog after a
        // stop is worked off in batches of a bounded size rather than one batch of all of it
        args.integer("MAX_RECORDS_PER_SHARD", KinesisReadOptions.DEFAULT_MAX_RECORDS_PER_SHARD, 1, Integer.MAX_VALUE),
        maxFetchTime,
        // records after the checkpoint that expired unread stop the job, unless the operator accepts the gap
        args.bool("FAIL_ON_DATA_LOSS", true),
        // Only for emulators: on AWS the job's IAM role is used and no key is ever an argument.
        args.optional("KINESIS_ACCESS_KEY_ID"),
        args.optional("KINESIS_SECRET_KEY"));
  }
}
