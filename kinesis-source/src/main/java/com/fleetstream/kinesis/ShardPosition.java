package com.fleetstream.kinesis;

import java.math.BigInteger;
import java.time.Instant;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Where a shard is read from, as stored in offsets and batch-end files: {@code TRIM_HORIZON},
 * {@code AT_TIMESTAMP:<epoch ms>}, {@code AFTER:<sequence number>} or {@code END} (closed and read).
 */
final class ShardPosition {
  static final String TRIM_HORIZON = "TRIM_HORIZON";
  static final String END = "END";
  private static final String AT_TIMESTAMP = "AT_TIMESTAMP:";
  private static final String AFTER = "AFTER:";

  private ShardPosition() {}

  /** LATEST becomes the time the query first started, so a replayed first batch starts where it did. */
  static String initial(String startingPosition, Instant now) {
    return switch (startingPosition.toUpperCase(java.util.Locale.ROOT)) {
      case "TRIM_HORIZON" -> TRIM_HORIZON;
      case "LATEST" -> AT_TIMESTAMP + now.toEpochMilli();
      default -> throw new IllegalArgumentException("unknown starting position " + startingPosition);
    };
  }

  static String after(String sequenceNumber) {
    return AFTER + sequenceNumber;
  }

  static boolean isEnd(String position) {
    return END.equals(position);
  }

  /** The sequence number of an {@code AFTER:} position: records up to it are read. */
  static BigInteger sequence(String position) {
    if (!position.startsWith(AFTER)) {
      throw new IllegalArgumentException("not a sequence position: " + position);
    }
    return new BigInteger(position.substring(AFTER.length()));
  }

  static boolean isSequence(String position) {
    return position.startsWith(AFTER);
  }

  static GetShardIteratorRequest iterator(String stream, String shardId, String position) {
    GetShardIteratorRequest.Builder b = GetShardIteratorRequest.builder().streamName(stream).shardId(shardId);
    if (position.equals(TRIM_HORIZON)) {
      b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
    } else if (position.startsWith(AT_TIMESTAMP)) {
      b.shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
          .timestamp(Instant.ofEpochMilli(Long.parseLong(position.substring(AT_TIMESTAMP.length()))));
    } else if (position.startsWith(AFTER)) {
      b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(
          position.substring(AFTER.length()));
    } else {
      throw new IllegalArgumentException("no iterator for shard position " + position);
    }
    return b.build();
  }
}
