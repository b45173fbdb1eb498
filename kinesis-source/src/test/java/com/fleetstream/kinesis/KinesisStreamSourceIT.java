package com.fleetstream.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fleetstream.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

class KinesisStreamSourceIT {
  private static KinesisEmulator kinesis;

  @TempDir
  Path checkpoint;

  @BeforeAll
  static void start() {
    kinesis = KinesisEmulator.start();
  }

  @AfterAll
  static void stop() {
    kinesis.close();
  }

  @Test
  void aBatchReplayedAfterACrashReadsWhatItsFirstRunReadNotWhatArrivedSince() throws Exception {
    kinesis.createStream("replay", 2);
    put("replay", 0, 10);
    List<String> batches = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean crash = new AtomicBoolean(true);
    StreamingQuery first = start("replay", batches, (batch, id) -> {
      if (crash.getAndSet(false)) {
        throw new IllegalStateException("crash after the batch was read");
      }
    });
    assertThatThrownBy(first::awaitTermination).isInstanceOf(StreamingQueryException.class)
        .hasMessageContaining("crash after the batch was read");

    put("replay", 10, 15);
    StreamingQuery second = start("replay", batches, (batch, id) -> {});
    second.processAllAvailable();
    Map<String, String> metrics = second.lastProgress().sources()[0].metrics();
    second.stop();
    // kinesalite reports every read as caught up with the tip
    assertThat(metrics).containsEntry(KinesisStreamSource.MAX_MILLIS_BEHIND, "0")
        .containsEntry(KinesisStreamSource.MILLIS_BEHIND, "{\"shardId-000000000000\":0,\"shardId-000000000001\":0}")
        .containsEntry(KinesisStreamSource.EXPIRED_GAPS, "0");

    assertThat(batches).containsExactly(
        "0:" + payloads(0, 10), "0:" + payloads(0, 10), "1:" + payloads(10, 15));
  }

  @Test
  void aSplitShardIsReadToItsEndAndThenItsChildrenFromTheirStart() throws Exception {
    kinesis.createStream("split", 1);
    put("split", 0, 5);
    List<String> batches = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query = start("split", batches, (batch, id) -> {});
    query.processAllAvailable();

    Shard parent = kinesis.client().listShards(b -> b.streamName("split")).shards().get(0);
    kinesis.client().splitShard(b -> b.streamName("split").shardToSplit(parent.shardId())
        .newStartingHashKey("170141183460469231731687303715884105728"));
    awaitActive("split");
    put("split", 5, 12);
    query.processAllAvailable();
    query.stop();

    // the batch that notices the parent closed may read nothing
    assertThat(records(batches))
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 12).mapToObj(i -> "r" + i).toList());
    assertThat(kinesis.client().listShards(b -> b.streamName("split")).shards()).hasSize(3);
  }

  @Test
  void mergedShardsAreReadToTheirEndsBeforeTheShardTheyMergedInto() throws Exception {
    kinesis.createStream("merge", 2);
    put("merge", 0, 8);
    kinesis.client().mergeShards(b -> b.streamName("merge")
        .shardToMerge("shardId-000000000000").adjacentShardToMerge("shardId-000000000001"));
    awaitActive("merge");
    put("merge", 8, 14);
    List<String> batches = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query = start("merge", batches, (batch, id) -> {});
    query.processAllAvailable();
    query.stop();

    List<List<String>> read = batches.stream().map(KinesisStreamSourceIT::records).toList();
    assertThat(read.stream().flatMap(List::stream))
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 14).mapToObj(i -> "r" + i).toList());
    // key order: the child's records come in a batch after every one of its parents' records
    int lastParentBatch = -1;
    int firstChildBatch = Integer.MAX_VALUE;
    for (int i = 0; i < read.size(); i++) {
      for (String payload : read.get(i)) {
        if (Integer.parseInt(payload.substring(1)) < 8) {
          lastParentBatch = i;
        } else {
          firstChildBatch = Math.min(firstChildBatch, i);
        }
      }
    }
    assertThat(lastParentBatch).isLessThan(firstChildBatch);
    assertThat(kinesis.client().listShards(b -> b.streamName("merge")).shards()).hasSize(3);
  }

  /**
   * Kinesis refuses reads over a shard's limits (five GetRecords and five GetShardIterator calls a
   * second): the refused calls are retried with back-off, and every record is read once.
   */
  @Test
  void throttledReadsAreRetriedWithBackOffAndEveryRecordIsReadOnce() throws Exception {
    kinesis.createStream("throttled", 1);
    put("throttled", 0, 6);
    int served = kinesis.faultsServed();
    kinesis.failNext("GetShardIterator", 2, "ProvisionedThroughputExceededException");
    kinesis.failNext("GetRecords", 4, "ProvisionedThroughputExceededException");
    List<String> batches = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query = start("throttled", batches, (batch, id) -> {});
    query.processAllAvailable();
    put("throttled", 6, 9);
    query.processAllAvailable();
    query.stop();

    assertThat(kinesis.faultsServed() - served).isEqualTo(6);
    assertThat(batches).containsExactly("0:" + payloads(0, 6), "1:" + payloads(6, 9));
  }

  @Test
  void aCheckpointIsRefusedForAnotherStreamAndForAStreamCreatedAgainUnderItsName() throws Exception {
    kinesis.createStream("first", 2);
    kinesis.createStream("second", 1);
    put("first", 0, 4);
    put("second", 0, 3);
    Path shared = checkpoint.resolve("shared");
    List<String> batches = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery first = start(kinesis, "first", shared, Map.of(), Trigger.ProcessingTime(100), batches, (b, id) -> {});
    first.processAllAvailable();
    first.stop();

    StreamingQuery second = start(kinesis, "second", shared, Map.of(), Trigger.ProcessingTime(100), batches,
        (b, id) -> {});
    assertThatThrownBy(() -> second.awaitTermination(60_000)).isInstanceOf(StreamingQueryException.class)
        .hasMessageContaining("holds positions in Kinesis stream arn:aws:kinesis:us-east-1:000000000000:stream/first,"
            + " not in arn:aws:kinesis:us-east-1:000000000000:stream/second")
        .hasMessageContaining("give the job a CHECKPOINT_PATH of its own")
        .hasMessageContaining("start it with STREAM_NAME first");

    kinesis.client().deleteStream(b -> b.streamName("first"));
    Thread.sleep(1_100); // creation times are in seconds
    kinesis.createStream("first", 1);
    put("first", 10, 12);
    StreamingQuery recreated = start(kinesis, "first", shared, Map.of(), Trigger.ProcessingTime(100), batches,
        (b, id) -> {});
    assertThatThrownBy(() -> recreated.awaitTermination(60_000)).isInstanceOf(StreamingQueryException.class)
        .hasMessageContaining("Kinesis stream arn:aws:kinesis:us-east-1:000000000000:stream/first was created at")
        .hasMessageContaining("which was deleted with its records")
        .hasMessageContaining("a new CHECKPOINT_PATH");

    assertThat(batches).containsExactly("0:" + payloads(0, 4));
  }

  @Test
  void triggerAvailableNowIsRefusedBeforeAnyBatchIsPlanned() throws Exception {
    kinesis.createStream("available-now", 1);
    put("available-now", 0, 3);
    Path dir = checkpoint.resolve("available-now");
    List<String> batches = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query = start(kinesis, "available-now", dir, Map.of(), Trigger.AvailableNow(), batches,
        (b, id) -> {});
    assertThatThrownBy(() -> query.awaitTermination(60_000)).isInstanceOf(StreamingQueryException.class)
        .hasMessageContaining("does not support Trigger.AvailableNow")
        .hasMessageContaining("STOP_WHEN_DRAINED");
    assertThat(batches).isEmpty();
    assertThat(dir.resolve("offsets")).isEmptyDirectory();

    // the checkpoint is not spoilt: a ProcessingTime query on it reads everything
    StreamingQuery after = start(kinesis, "available-now", dir, Map.of(), Trigger.ProcessingTime(100), batches,
        (b, id) -> {});
    after.processAllAvailable();
    after.stop();
    assertThat(batches).containsExactly("0:" + payloads(0, 3));
  }

  /**
   * On its own emulator, whose clock is moved a day on. Records 5-7 arrive while the query is stopped
   * and expire unread: the restart fails naming the shard; with failOnDataLoss off it reads on from
   * the oldest record left, counting the gap.
   */
  @Test
  void recordsThatExpiredUnreadFailTheRestartOrWithFailOnDataLossOffAreCountedAndSkipped() throws Exception {
    try (KinesisEmulator expiring = KinesisEmulator.start()) {
      expiring.createStream("expiring", 1);
      put(expiring, "expiring", 0, 5);
      Path dir = checkpoint.resolve("expiring");
      List<String> batches = Collections.synchronizedList(new ArrayList<>());
      readAll(expiring, "expiring", dir, batches);

      put(expiring, "expiring", 5, 8);
      expiring.advanceClock(java.time.Duration.ofHours(25)); // the stream keeps records 24 h
      put(expiring, "expiring", 8, 10);

      Restarts restarts = restartsAfterAGap(expiring, "expiring", dir, batches);
      assertThat(restarts.failure()).isInstanceOf(StreamingQueryException.class)
          .hasMessageContaining("shard shardId-000000000000 of arn:aws:kinesis:us-east-1:000000000000:stream/expiring:"
              + " the checkpoint goes on after sequence number")
          .hasMessageContaining("which the stream no longer holds (it keeps records for 24 h)")
          .hasMessageContaining("expired unread")
          .hasMessageContaining("start the job with FAIL_ON_DATA_LOSS false");

      assertThat(batches).containsExactly("0:" + payloads(0, 5), "1:" + payloads(8, 10));
      assertThat(restarts.gaps()).isEqualTo("1");
    }
  }

  /**
   * On its own emulator. Batch 0 reads r0-r4 and its query dies before committing it; a day passes
   * and r0-r4 expire. The replay fails saying so; with failOnDataLoss off batch 0 replays what is
   * left (nothing) and batch 1 reads on. Before, the replay found none of its records and said nothing.
   */
  @Test
  void aBatchWhoseRecordsExpiredBeforeItsReplayFailsOrWithFailOnDataLossOffReplaysWhatIsLeft() throws Exception {
    try (KinesisEmulator expiring = KinesisEmulator.start()) {
      expiring.createStream("replay-expired", 1);
      put(expiring, "replay-expired", 0, 5);
      Path dir = checkpoint.resolve("replay-expired");
      List<String> batches = Collections.synchronizedList(new ArrayList<>());
      StreamingQuery first = start(expiring, "replay-expired", dir, Map.of(), Trigger.ProcessingTime(100), batches,
          (b, id) -> {
            throw new IllegalStateException("crash after the batch was read");
          });
      assertThatThrownBy(first::awaitTermination).hasMessageContaining("crash after the batch was read");

      expiring.advanceClock(Duration.ofHours(25)); // the stream keeps records 24 h
      put(expiring, "replay-expired", 5, 7);
      Restarts restarts = restartsAfterAGap(expiring, "replay-expired", dir, batches);
      assertThat(restarts.failure()).isInstanceOf(StreamingQueryException.class)
          .hasMessageContaining("read shard shardId-000000000000 of replay-expired up to AFTER:")
          .hasMessageContaining("the stream no longer holds any of those records: they expired before the batch was"
              + " replayed")
          .hasMessageContaining("start the job with FAIL_ON_DATA_LOSS false");
      assertThat(batches).containsExactly("0:" + payloads(0, 5), "0:", "1:" + payloads(5, 7));
    }
  }

  /**
   * On its own emulator. The query reads r0-r4 and stops; r5-r7 arrive, the shard is split, and a
   * day passes: the closed parent, with r5-r7 unread, has left the stream (as in Kinesis, which the
   * emulator's stand-in plays once its clock moves). The restart fails naming the shard; with
   * failOnDataLoss off it counts the gap and reads the children, r8-r9, from their start.
   */
  @Test
  void aClosedShardThatLeftTheStreamUnreadIsAGapAfterWhichItsChildrenAreRead() throws Exception {
    try (KinesisEmulator resharded = KinesisEmulator.start()) {
      resharded.createStream("resharded", 1);
      put(resharded, "resharded", 0, 5);
      Path dir = checkpoint.resolve("resharded");
      List<String> batches = Collections.synchronizedList(new ArrayList<>());
      readAll(resharded, "resharded", dir, batches);

      put(resharded, "resharded", 5, 8);
      Shard parent = resharded.client().listShards(b -> b.streamName("resharded")).shards().get(0);
      resharded.client().splitShard(b -> b.streamName("resharded").shardToSplit(parent.shardId())
          .newStartingHashKey("170141183460469231731687303715884105728"));
      awaitActive(resharded, "resharded");
      resharded.advanceClock(Duration.ofHours(25)); // the stream keeps records 24 h
      put(resharded, "resharded", 8, 10);
      assertThat(resharded.client().listShards(b -> b.streamName("resharded")).shards())
          .extracting(Shard::parentShardId).containsOnly(parent.shardId()).hasSize(2);

      Restarts restarts = restartsAfterAGap(resharded, "resharded", dir, batches);
      assertThat(restarts.failure()).isInstanceOf(StreamingQueryException.class)
          .hasMessageContaining("shard " + parent.shardId()
              + " of arn:aws:kinesis:us-east-1:000000000000:stream/resharded: the checkpoint goes on after")
          .hasMessageContaining("the shard has left the stream: it was closed by a reshard")
          .hasMessageContaining("expired unread")
          .hasMessageContaining("start the job with FAIL_ON_DATA_LOSS false");
      assertThat(records(batches)).containsExactlyInAnyOrderElementsOf(
              IntStream.of(0, 1, 2, 3, 4, 8, 9).mapToObj(i -> "r" + i).toList());
      assertThat(restarts.gaps()).isEqualTo("1");
    }
  }

  /**
   * The crash loop: a shard that idles past the retention while the query runs (a fleet
   * parked over a weekend), then a restart (Glue restarts streaming jobs every week). The record
   * the checkpoint goes on after has expired, but the query saw the shard caught up there within the
   * retention, so nothing after it can have: the restart reads on, every record once, no gap counted.
   */
  @Test
  void aShardThatIdledPastTheRetentionWhileTheQueryRanResumesWithoutAGap() throws Exception {
    try (KinesisEmulator idling = KinesisEmulator.start()) {
      idling.createStream("idling", 1);
      put(idling, "idling", 0, 3);
      Path dir = checkpoint.resolve("idling");
      List<String> batches = Collections.synchronizedList(new ArrayList<>());
      StreamingQuery running = start(idling, "idling", dir, Map.of(), Trigger.ProcessingTime(100), batches,
          (b, id) -> {});
      running.processAllAvailable();
      Path caughtUp = dir.resolve("sources/0/caught-up/shardId-000000000000");
      long before = awaitCaughtUp(caughtUp, 1);
      idling.advanceClock(java.time.Duration.ofHours(25)); // the stream keeps records 24 h: r0-r2 expire
      // the running query's next probes find the shard idle, at the time Kinesis now tells
      awaitCaughtUp(caughtUp, before + java.time.Duration.ofHours(25).toMillis() - 60_000);
      running.stop();

      put(idling, "idling", 3, 5);
      StreamingQuery restarted = start(idling, "idling", dir, Map.of(), Trigger.ProcessingTime(100), batches,
          (b, id) -> {});
      restarted.processAllAvailable();
      String gaps = restarted.lastProgress().sources()[0].metrics().get(KinesisStreamSource.EXPIRED_GAPS);
      restarted.stop();

      assertThat(batches).containsExactly("0:" + payloads(0, 3), "1:" + payloads(3, 5));
      assertThat(gaps).isEqualTo("0");
    }
  }

  /** Waits until the query records the shard caught up at {@code atLeast} (epoch millis) or later; returns when. */
  private static long awaitCaughtUp(Path dir, long atLeast) {
    return await("the query recording the shard caught up at " + atLeast + " or later").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50)).until(() -> {
          if (!Files.isDirectory(dir)) {
            return 0L;
          }
          try (Stream<Path> names = Files.list(dir)) {
            return names.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                .mapToLong(Long::parseLong).max().orElse(0);
          }
        }, latest -> latest >= atLeast);
  }


  private StreamingQuery start(String stream, List<String> batches, VoidFunction2<Dataset<Row>, Long> then)
      throws Exception {
    return start(kinesis, stream, checkpoint.resolve(stream), Map.of(), Trigger.ProcessingTime(100), batches, then);
  }

  private static StreamingQuery start(KinesisEmulator kinesis, String stream, Path checkpoint,
      Map<String, String> options, Trigger trigger, List<String> batches, VoidFunction2<Dataset<Row>, Long> then)
      throws Exception {
    SparkSession spark = TestSpark.session();
    Dataset<Row> records = spark.readStream().format(KinesisStreamSource.SHORT_NAME)
        .options(Map.of(KinesisReadOptions.STREAM_NAME, stream,
            KinesisReadOptions.ENDPOINT, kinesis.endpoint().toString(),
            KinesisReadOptions.ACCESS_KEY_ID, KinesisEmulator.ACCESS_KEY,
            KinesisReadOptions.SECRET_KEY, KinesisEmulator.SECRET_KEY))
        .options(options)
        .load();
    return records.selectExpr("cast(data as string) as payload").writeStream()
        .option("checkpointLocation", checkpoint.toString())
        .trigger(trigger)
        .foreachBatch((Dataset<Row> batch, Long id) -> {
          List<String> payloads = batch.orderBy("payload").as(Encoders.STRING()).collectAsList();
          batches.add(id + ":" + String.join(",", payloads));
          then.call(batch, id);
        })
        .start();
  }

  /** Reads what the stream holds into {@code batches}, then stops. */
  private static void readAll(KinesisEmulator kinesis, String stream, Path checkpoint, List<String> batches)
      throws Exception {
    StreamingQuery query = start(kinesis, stream, checkpoint, Map.of(), Trigger.ProcessingTime(100), batches,
        (b, id) -> {});
    query.processAllAvailable();
    query.stop();
  }

  /** How the restart after expired records ended, and the gaps the one with failOnDataLoss off counted. */
  private record Restarts(Throwable failure, String gaps) {}

  /** A restart with the defaults (failOnDataLoss on), then one with it off, which reads on to the stream's end. */
  private static Restarts restartsAfterAGap(KinesisEmulator kinesis, String stream, Path checkpoint,
      List<String> batches) throws Exception {
    StreamingQuery failing = start(kinesis, stream, checkpoint, Map.of(), Trigger.ProcessingTime(100), batches,
        (b, id) -> {});
    Throwable failure = catchThrowable(() -> failing.awaitTermination(60_000));
    failing.stop(); // still running if it did not fail: the assertion on the failure says so
    StreamingQuery onward = start(kinesis, stream, checkpoint, Map.of(KinesisReadOptions.FAIL_ON_DATA_LOSS, "false"),
        Trigger.ProcessingTime(100), batches, (b, id) -> {});
    onward.processAllAvailable();
    String gaps = onward.lastProgress().sources()[0].metrics().get(KinesisStreamSource.EXPIRED_GAPS);
    onward.stop();
    return new Restarts(failure, gaps);
  }

  private static void awaitActive(String stream) {
    awaitActive(kinesis, stream);
  }

  private static void awaitActive(KinesisEmulator kinesis, String stream) {
    await(stream + " active").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> kinesis.client().describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
            .streamStatus() == StreamStatus.ACTIVE);
  }

  private static void put(String stream, int from, int to) {
    put(kinesis, stream, from, to);
  }

  private static void put(KinesisEmulator kinesis, String stream, int from, int to) {
    for (int i = from; i < to; i++) {
      String payload = "r" + i;
      kinesis.client().putRecord(b -> b.streamName(stream).partitionKey(payload)
          .data(SdkBytes.fromString(payload, StandardCharsets.UTF_8)));
    }
  }

  /** The records of batches as {@code start} lists them ("id:r0,r1"), batch by batch. */
  private static List<String> records(List<String> batches) {
    return batches.stream().flatMap(b -> records(b).stream()).toList();
  }

  private static List<String> records(String batch) {
    return List.of(batch.substring(batch.indexOf(':') + 1).split(",")).stream().filter(p -> !p.isEmpty()).toList();
  }

    /** Sorted as strings, as the batches are. */
  private static String payloads(int from, int to) {
    return String.join(",", IntStream.range(from, to).mapToObj(i -> "r" + i).sorted().toList());
  }
}
