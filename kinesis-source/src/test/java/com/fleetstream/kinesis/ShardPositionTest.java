package com.fleetstream.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * LATEST cannot run against kinesalite: its AT_TIMESTAMP iterator never answers until a newer record
 * exists. What the position becomes and which iterator it asks for are checked here.
 */
class ShardPositionTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00.123Z");

  @Test
  void latestIsTheTimeTheQueryFirstStartedSoAReplayedFirstBatchStartsThereToo() {
    String latest = ShardPosition.initial("latest", START);
    assertThat(latest).isEqualTo("AT_TIMESTAMP:" + START.toEpochMilli());
    GetShardIteratorRequest r = ShardPosition.iterator("s", "shardId-000000000000", latest);
    assertThat(r.shardIteratorType()).isEqualTo(ShardIteratorType.AT_TIMESTAMP);
    assertThat(r.timestamp()).isEqualTo(START);
  }

  @Test
  void aBatchEndIsReadAfterItsSequenceNumber() {
    String end = ShardPosition.after("49680557980946239497749514803237845484783809779319439362");
    assertThat(ShardPosition.sequence(end)).hasToString("49680557980946239497749514803237845484783809779319439362");
    GetShardIteratorRequest r = ShardPosition.iterator("s", "shardId-000000000000", end);
    assertThat(r.shardIteratorType()).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
    assertThat(r.startingSequenceNumber()).isEqualTo("49680557980946239497749514803237845484783809779319439362");
    assertThat(ShardPosition.initial("TRIM_HORIZON", START)).isEqualTo(ShardPosition.TRIM_HORIZON);
  }

  @Test
  void aClosedShardHasNoIteratorAndAnUnknownPositionIsRefused() {
    assertThatThrownBy(() -> ShardPosition.iterator("s", "shardId-000000000000", ShardPosition.END))
        .hasMessage("no iterator for shard position END");
    assertThatThrownBy(() -> ShardPosition.initial("EARLIEST", START))
        .hasMessage("unknown starting position EARLIEST");
  }
}
