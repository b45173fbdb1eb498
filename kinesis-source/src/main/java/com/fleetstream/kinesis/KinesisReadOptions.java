package com.fleetstream.kinesis;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * What {@link KinesisStreamSource} reads and how; travels to the executors with each partition.
 *
 * @param endpoint null for the region's endpoint
 * @param accessKeyId null to use the default credentials chain (the Glue job's role)
 * @param maxRecordsPerShard a batch stops reading a shard after about this many records
 * @param maxFetch a batch stops reading a shard after this long, so a backlog is worked off in steps
 * @param failOnDataLoss whether a query fails when records after its checkpoint expired before it read them
 *     (as Kafka's source option of that name); if not, it logs and counts the gap and reads on
 */
public record KinesisReadOptions(String streamName, String region, String endpoint, String startingPosition,
    int maxRecordsPerRead, int maxRecordsPerShard, Duration maxFetch, boolean failOnDataLoss, String accessKeyId,
    String secretKey)
    implements Serializable {

  public static final String STREAM_NAME = "streamName";
  public static final String REGION = "region";
  public static final String ENDPOINT = "endpointUrl";
  public static final String STARTING_POSITION = "startingPosition";
  public static final String MAX_RECORDS_PER_READ = "maxRecordsPerRead";
  public static final String MAX_RECORDS_PER_SHARD = "maxRecordsPerShard";
  public static final String MAX_FETCH_MILLIS = "maxFetchMillis";
  public static final String FAIL_ON_DATA_LOSS = "failOnDataLoss";
  public static final String ACCESS_KEY_ID = "awsAccessKeyId";
  public static final String SECRET_KEY = "awsSecretKey";

  /** The defaults, here only: a job that passes its own settings takes these for what it leaves out. */
  public static final int DEFAULT_MAX_RECORDS_PER_READ = 10_000;
  public static final int DEFAULT_MAX_RECORDS_PER_SHARD = 100_000;
  public static final Duration DEFAULT_MAX_FETCH = Duration.ofSeconds(5);
  public static final String DEFAULT_STARTING_POSITION = "TRIM_HORIZON";

  /**
   * Parsed and checked once, when the query is planned: a bad option fails the query's start,
   * naming it.
   *
   * @param options as given to the reader; keys are compared without case, as Spark does
   */
  static KinesisReadOptions from(Map<String, String> options) {
    Map<String, String> o = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    o.putAll(options);
    String stream = o.get(STREAM_NAME);
    if (stream == null || stream.isBlank()) {
      throw new IllegalArgumentException("the Kinesis source needs option " + STREAM_NAME);
    }
    String start = o.getOrDefault(STARTING_POSITION, DEFAULT_STARTING_POSITION);
    ShardPosition.initial(start, java.time.Instant.EPOCH); // refuses an unknown position now, not at batch 0
    return new KinesisReadOptions(stream, o.getOrDefault(REGION, "us-east-1"), o.get(ENDPOINT), start,
        (int) number(o, MAX_RECORDS_PER_READ, DEFAULT_MAX_RECORDS_PER_READ, 1, 10_000), // GetRecords' limit
        (int) number(o, MAX_RECORDS_PER_SHARD, DEFAULT_MAX_RECORDS_PER_SHARD, 1, Integer.MAX_VALUE),
        Duration.ofMillis(number(o, MAX_FETCH_MILLIS, DEFAULT_MAX_FETCH.toMillis(), 1, Long.MAX_VALUE)),
        bool(o, FAIL_ON_DATA_LOSS, true), o.get(ACCESS_KEY_ID), o.get(SECRET_KEY));
  }

  private static long number(Map<String, String> o, String key, long dflt, long min, long max) {
    String text = o.get(key);
    try {
      long n = text == null ? dflt : Long.parseLong(text.trim());
      if (n < min || n > max) {
        throw new IllegalArgumentException("option " + key + " must be within " + min + ".." + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " must be a whole number, got '" + text + "'");
    }
  }

  private static boolean bool(Map<String, String> o, String key, boolean dflt) {
    String text = o.get(key);
    if (text == null) {
      return dflt;
    }
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("option " + key + " must be true or false, got '" + text + "'");
    };
  }

  KinesisClient client() {
    KinesisClientBuilder b = KinesisClient.builder()
        .region(Region.of(region))
        .httpClient(UrlConnectionHttpClient.create())
        // throttling (5 reads a second per shard) and a briefly unreachable endpoint are retried with back-off
        .overrideConfiguration(c -> c.retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(10).build()));
    if (endpoint != null) {
      b.endpointOverride(URI.create(endpoint));
    }
    b.credentialsProvider(accessKeyId == null ? DefaultCredentialsProvider.create()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretKey)));
    return b.build();
  }

  @Override
  public String toString() {
    return "KinesisReadOptions[streamName=" + streamName + ", endpoint=" + endpoint + "]";
  }
}
