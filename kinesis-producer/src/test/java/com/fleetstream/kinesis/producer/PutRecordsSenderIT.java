package com.fleetstream.kinesis.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Against kinesalite, with the SDK's own retries off so that every refusal reaches the sender. */
class PutRecordsSenderIT {
  private static final String THROTTLED = "ProvisionedThroughputExceededException";
  private static KinesisEmulator kinesis;
  private static KinesisClient client;

  @BeforeAll
  static void start() {
    kinesis = KinesisEmulator.start();
    client = KinesisClient.builder().endpointOverride(kinesis.endpoint()).region(Region.EU_CENTRAL_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    kinesis.close();
  }

  private static PutRecordsSender sender(int attempts) {
    return new PutRecordsSender(client, attempts, Duration.ofMillis(10), Duration.ofMillis(50),
        PutRecordsSender::transientFailure);
  }

  private static String stream() {
    String name = "s-" + UUID.randomUUID();
    kinesis.createStream(name, 1);
    return name;
  }

  private static List<PutRecordsRequestEntry> entries(int n, int bytes) {
    return IntStream.range(0, n).mapToObj(i -> {
      byte[] data = new byte[bytes];
      Arrays.fill(data, (byte) 'x');
      byte[] label = ("r" + i).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(label, 0, data, 0, label.length);
      return PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromByteArray(data)).build();
    }).toList();
  }

  /** The labels of the stream's records, in the shard's order. */
  private static List<String> stored(String stream) {
    String shard = client.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
    String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    return client.getRecords(b -> b.shardIterator(iterator).limit(1000)).records().stream()
        .map(r -> r.data().asUtf8String().replaceAll("x+$", "")).toList();
  }

  @Test
  void theEntriesAShardRefusedAreSentAgainAloneAndInTheirOrder() {
    String stream = stream();
    kinesis.failEntriesOfNextPutRecords(2, THROTTLED);
    List<PutRecordsResultEntry> answers = sender(3).send(stream, entries(5, 10));
    assertThat(answers).extracting(PutRecordsResultEntry::errorCode).containsOnlyNulls();
    assertThat(answers).extracting(PutRecordsResultEntry::sequenceNumber).doesNotContainNull();
    // the first call stored r2..r4 and refused r0 and r1; the second sent those two alone
    assertThat(stored(stream)).containsExactly("r2", "r3", "r4", "r0", "r1");
  }

  @Test
  void aCallOverFiveMebibytesIsSplitAndKeepsItsOrder() {
    String stream = stream();
    List<PutRecordsResultEntry> answers = sender(1).send(stream, entries(6, 1_000_000));
    assertThat(answers).extracting(PutRecordsResultEntry::errorCode).containsOnlyNulls();
    assertThat(stored(stream)).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
  }

  @Test
  void aThrottledCallIsSentAgainWhenThePredicateSaysSo() {
    String stream = stream();
    int before = kinesis.faultsServed();
    kinesis.failNext("PutRecords", 2, THROTTLED);
    assertThat(sender(3).send(stream, entries(2, 10))).extracting(PutRecordsResultEntry::errorCode)
        .containsOnlyNulls();
    assertThat(kinesis.faultsServed() - before).isEqualTo(2);
    assertThat(stored(stream)).containsExactly("r0", "r1");
  }

  @Test
  void aFailedCallIsThrownAtOnceWhereTheCallerWaitsOnTheAnswer() {
    String stream = stream();
    PutRecordsSender answerAtOnce = new PutRecordsSender(client, 5, Duration.ofMillis(10), Duration.ofMillis(50),
        e -> false);
    kinesis.failNext("PutRecords", 1, THROTTLED);
    assertThatThrownBy(() -> answerAtOnce.send(stream, entries(2, 10))).isInstanceOf(AwsServiceException.class)
        .satisfies(e -> assertThat(((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo(THROTTLED));
    assertThat(stored(stream)).isEmpty();
  }

  @Test
  void entriesStillRefusedAfterTheLastAttemptCarryTheirErrorCode() {
    String stream = stream();
    kinesis.failEntriesOfNextPutRecords(1, THROTTLED);
    List<PutRecordsResultEntry> answers = sender(1).send(stream, entries(3, 10));
    assertThat(answers).extracting(PutRecordsResultEntry::errorCode).containsExactly(THROTTLED, null, null);
    assertThat(stored(stream)).containsExactly("r1", "r2");
  }
}
