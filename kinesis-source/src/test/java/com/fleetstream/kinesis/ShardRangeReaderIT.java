package com.fleetstream.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.testkit.KinesisEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/** One shard's reader against kinesalite, on an emulator of its own: the test moves its clock on. */
class ShardRangeReaderIT {
  private static final String SHARD = "shardId-000000000000";

  @TempDir
  Path checkpoint;

  /**
   * A replayed batch read one record a request, held up for six minutes after its first: Kinesis
   * refuses the iterator (ExpiredIteratorException), and the reader goes on after the record it read
   * last with a new one, to the batch's recorded end, every record once.
   */
  @Test
  void aReadHeldUpPastItsIteratorsLifeGoesOnWithANewIteratorWhereItStopped() throws Exception {
    try (KinesisEmulator kinesis = KinesisEmulator.start()) {
      kinesis.createStream("stalled", 1);
      List<String> sequences = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String payload = "r" + i;
        sequences.add(kinesis.client().putRecord(b -> b.streamName("stalled").partitionKey(payload)
            .data(SdkBytes.fromString(payload, StandardCharsets.UTF_8))).sequenceNumber());
      }
      KinesisReadOptions options = KinesisReadOptions.from(Map.of(
          KinesisReadOptions.STREAM_NAME, "stalled",
          KinesisReadOptions.ENDPOINT, kinesis.endpoint().toString(),
          KinesisReadOptions.ACCESS_KEY_ID, KinesisEmulator.ACCESS_KEY,
          KinesisReadOptions.SECRET_KEY, KinesisEmulator.SECRET_KEY,
          KinesisReadOptions.MAX_RECORDS_PER_READ, "1"));
      BatchEnds ends = new BatchEnds(new CheckpointFiles(checkpoint.toUri().toString(), new Configuration()));
      ends.record(0, SHARD, ShardPosition.after(sequences.get(2))); // the first run of batch 0 read r0..r2

      ShardRangeReader reader = new ShardRangeReader(options, ends, new ShardRange(0, SHARD, ShardPosition.TRIM_HORIZON));
      List<String> read = new ArrayList<>();
      assertThat(reader.next()).isTrue();
      read.add(new String(reader.get().getBinary(0), StandardCharsets.UTF_8));
      kinesis.advanceClock(Duration.ofMinutes(6)); // an iterator lives five
      while (reader.next()) {
        read.add(new String(reader.get().getBinary(0), StandardCharsets.UTF_8));
      }
      reader.close();

      assertThat(read).containsExactly("r0", "r1", "r2");
    }
  }
}
