package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.kinesis.KinesisReadOptions;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which Kinesis streams a job reads, with our source (module {@code kinesis-source}), and how: one
 * ({@code STREAM_NAME}) or several ({@code STREAM_NAMES}, e.g. one stream per metric), each read with
 * its input contract: {@code CONTRACTS stream=uri,...}, else {@code CONTRACT uri}, else the built-in one.
 */
public record KinesisSourceConfig(
    List<String> streamNames,
    Map<String, ContractFile> contracts,
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
    return "KinesisSourceConfig[streamNames=" + streamNames + ", contracts=" + contracts + ", region=" + region
        + ", endpointUrl=" + endpointUrl + ", startingPosition=" + startingPosition + ", maxRecordsPerRead="
        + maxRecordsPerRead + ", maxRecordsPerShard=" + maxRecordsPerShard + ", maxFetchTime=" + maxFetchTime.spark()
        + ", failOnDataLoss=" + failOnDataLoss
        + ", accessKeyId=" + accessKeyId.map(k -> "<set>").orElse("<none>") + "]";
  }

  public enum StartingPosition { TRIM_HORIZON, LATEST }

  /** A stream's contract file, and the argument that named it (for messages). */
  public record ContractFile(String argument, String uri) {}

  /** The contract file of {@code stream}, if it has one. */
  public Optional<ContractFile> contract(String stream) {
    return Optional.ofNullable(contracts.get(stream));
  }

  private static List<String> streamNames(GlueArgs args, String defaultStream) {
    Optional<String> one = args.optional("STREAM_NAME");
    Optional<String> several = args.optional("STREAM_NAMES");
    if (one.isPresent() && several.isPresent()) {
      throw new InvalidArgumentException("STREAM_NAMES", "and STREAM_NAME are given both: name the streams once");
    }
    if (several.isEmpty()) {
      return List.of(one.orElse(defaultStream));
    }
    List<String> names = Arrays.stream(several.get().split(",")).map(String::trim).toList();
    if (names.stream().anyMatch(String::isEmpty) || Set.copyOf(names).size() != names.size()) {
      throw new InvalidArgumentException("STREAM_NAMES", "must be distinct stream names separated by commas, got '"
          + several.get() + "'");
    }
    return names;
  }

  private static Map<String, ContractFile> contracts(GlueArgs args, List<String> streams) {
    Map<String, ContractFile> contracts = new LinkedHashMap<>();
    args.optional("CONTRACT").ifPresent(uri -> {
      ContractFile file = new ContractFile("CONTRACT", JobArgs.uri(args, "CONTRACT", uri));
      streams.forEach(s -> contracts.put(s, file));
    });
    args.optional("CONTRACTS").ifPresent(list -> {
      for (String entry : list.split(",")) {
        int eq = entry.indexOf('=');
        String stream = eq < 0 ? "" : entry.substring(0, eq).trim();
        if (!streams.contains(stream)) {
          throw new InvalidArgumentException("CONTRACTS", "'" + entry.trim() + "' is not stream=uri for one of the job's"
              + " streams " + streams);
        }
        contracts.put(stream, new ContractFile("CONTRACTS",
            JobArgs.uri("CONTRACTS", URI.create(entry.substring(eq + 1).trim()))));
      }
    });
    return Map.copyOf(contracts);
  }

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
    List<String> streams = streamNames(args, defaultStream);
    return new KinesisSourceConfig(
        streams,
        contracts(args, streams),
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
