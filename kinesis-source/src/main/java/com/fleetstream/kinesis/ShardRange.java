package com.fleetstream.kinesis;

import org.apache.spark.sql.connector.read.InputPartition;

/** One shard of one batch: read from {@code start} to the batch's recorded end, or to now if none. */
record ShardRange(long batch, String shardId, String start) implements InputPartition {}
