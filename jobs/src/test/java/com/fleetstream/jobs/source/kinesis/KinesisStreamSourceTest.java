package com.fleetstream.jobs.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
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

class KinesisStreamSourceTest {
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
    second.stop();

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
    while (kinesis.client().describeStreamSummary(b -> b.streamName("split")).streamDescriptionSummary()
        .streamStatus() != StreamStatus.ACTIVE) {
      Thread.sleep(50);
    }
    put("split", 5, 12);
    query.processAllAvailable();
    query.stop();

    // the batch that notices the parent closed may read nothing
    assertThat(batches.stream().flatMap(b -> List.of(b.substring(b.indexOf(':') + 1).split(",")).stream())
        .filter(p -> !p.isEmpty()))
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 12).mapToObj(i -> "r" + i).toList());
    assertThat(kinesis.client().listShards(b -> b.streamName("split")).shards()).hasSize(3);
  }

  private StreamingQuery start(String stream, List<String> batches, VoidFunction2<Dataset<Row>, Long> then)
      throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> records = spark.readStream().format(KinesisStreamSource.class.getName())
        .options(Map.of(KinesisReadOptions.STREAM_NAME, stream,
            KinesisReadOptions.ENDPOINT, kinesis.endpoint().toString(),
            KinesisReadOptions.ACCESS_KEY_ID, KinesisEmulator.ACCESS_KEY,
            KinesisReadOptions.SECRET_KEY, KinesisEmulator.SECRET_KEY))
        .load();
    return records.selectExpr("cast(data as string) as payload").writeStream()
        .option("checkpointLocation", checkpoint.resolve(stream).toString())
        .trigger(Trigger.ProcessingTime(100))
        .foreachBatch((Dataset<Row> batch, Long id) -> {
          List<String> payloads = batch.orderBy("payload").as(Encoders.STRING()).collectAsList();
          batches.add(id + ":" + String.join(",", payloads));
          then.call(batch, id);
        })
        .start();
  }

  private static void put(String stream, int from, int to) {
    for (int i = from; i < to; i++) {
      String payload = "r" + i;
      kinesis.client().putRecord(b -> b.streamName(stream).partitionKey(payload)
          .data(SdkBytes.fromString(payload, StandardCharsets.UTF_8)));
    }
  }

  /** Sorted as strings, as the batches are. */
  private static String payloads(int from, int to) {
    return String.join(",", IntStream.range(from, to).mapToObj(i -> "r" + i).sorted().toList());
  }
}
