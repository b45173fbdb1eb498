package com.fleetstream.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/** The source's offsets as Spark's micro-batch engine calls them, one step at a time. */
class ShardMicroBatchStreamIT {
  private static final String STREAM = "one-shard";
  @TempDir
  Path checkpoint;

  /**
   * A query started on an empty stream: Spark finds nothing at the first trigger and still runs a
   * first batch, ending at the initial offset, because no batch is committed yet
   * ({@code MicroBatchExecution.isNewDataAvailable}). Records that arrive while that batch reads are
   * its records; the next batch starts after them. Before, it started at the initial offset again
   * and read them a second time.
   */
  @Test
  void recordsReadByABatchRunAtTheInitialOffsetAreNotReadAgain() throws Exception {
    try (KinesisEmulator kinesis = KinesisEmulator.start()) {
      ShardMicroBatchStream stream = open(kinesis);
      try {
        Offset initial = stream.initialOffset();
        Offset batch0 = stream.latestOffset(initial, ReadLimit.allAvailable());
        assertThat(batch0).as("nothing to read yet").isEqualTo(initial);

        put(kinesis, 0, 5); // while batch 0's tasks start
        List<String> read = new ArrayList<>(read(stream, batch0));
        stream.commit(batch0);

        Offset batch1 = stream.latestOffset(batch0, ReadLimit.allAvailable());
        assertThat(batch1).as("nothing new since batch 0").isEqualTo(batch0);
        put(kinesis, 5, 8);
        Offset batch2 = stream.latestOffset(batch1, ReadLimit.allAvailable());
        read.addAll(read(stream, batch2));

        assertThat(read).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
      } finally {
        stream.stop();
      }
    }
  }

  /**
   * Kinesis may answer an idle shard's first empty page with lag it does not have. Taken at its word,
   * every trigger would plan a batch whose readers find nothing; the next page tells the truth.
   */
  @Test
  void anIdleShardThatReportsLagItDoesNotHavePlansNoBatch() throws Exception {
    try (KinesisEmulator kinesis = KinesisEmulator.start()) {
      ShardMicroBatchStream stream = open(kinesis);
      try {
        put(kinesis, 0, 3);
        Offset batch0 = stream.latestOffset(stream.initialOffset(), ReadLimit.allAvailable());
        List<String> read = new ArrayList<>(read(stream, batch0));
        stream.commit(batch0);

        kinesis.reportPhantomLag(Duration.ofMinutes(1));
        Offset idle = stream.latestOffset(batch0, ReadLimit.allAvailable());
        assertThat(idle).as("nothing new: no batch").isEqualTo(batch0);
        assertThat(stream.latestOffset(idle, ReadLimit.allAvailable())).isEqualTo(batch0);
        assertThat(stream.metrics(Optional.of(idle))).containsEntry(KinesisStreamSource.MAX_MILLIS_BEHIND, "0");

        put(kinesis, 3, 5);
        Offset batch1 = stream.latestOffset(idle, ReadLimit.allAvailable());
        assertThat(batch1).as("new records: a batch").isNotEqualTo(batch0);
        read.addAll(read(stream, batch1));
        assertThat(read).containsExactly("r0", "r1", "r2", "r3", "r4");
      } finally {
        stream.stop();
      }
    }
  }

  /** The source over a new one-shard stream, as Spark makes it for a query with this checkpoint. */
  private ShardMicroBatchStream open(KinesisEmulator kinesis) {
    kinesis.createStream(STREAM, 1);
    return new ShardMicroBatchStream(KinesisReadOptions.from(Map.of(
        KinesisReadOptions.STREAM_NAME, STREAM,
        KinesisReadOptions.ENDPOINT, kinesis.endpoint().toString(),
        KinesisReadOptions.ACCESS_KEY_ID, KinesisEmulator.ACCESS_KEY,
        KinesisReadOptions.SECRET_KEY, KinesisEmulator.SECRET_KEY)), checkpoint.toUri().toString(), new Configuration());
  }

  /** What the batch's tasks read, as Spark runs them. */
  private static List<String> read(ShardMicroBatchStream stream, Offset end) throws Exception {
    List<String> payloads = new ArrayList<>();
    for (InputPartition partition : stream.planInputPartitions(null, end)) {
      try (PartitionReader<InternalRow> reader = stream.createReaderFactory().createReader(partition)) {
        while (reader.next()) {
          payloads.add(new String(reader.get().getBinary(0), StandardCharsets.UTF_8));
        }
      }
    }
    return payloads;
  }

  private static void put(KinesisEmulator kinesis, int from, int to) {
    for (int i = from; i < to; i++) {
      String payload = "r" + i;
      kinesis.client().putRecord(b -> b.streamName(STREAM).partitionKey("k")
          .data(SdkBytes.fromString(payload, StandardCharsets.UTF_8)));
    }
  }
}
