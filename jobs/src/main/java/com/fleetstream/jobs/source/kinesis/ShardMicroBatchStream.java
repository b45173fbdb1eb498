package com.fleetstream.jobs.source.kinesis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Plans micro-batches over a stream's shards. A batch starts where the previous one's tasks recorded
 * they stopped ({@link BatchEnds}); one is planned only when a shard has a record past that point.
 */
final class ShardMicroBatchStream implements MicroBatchStream, SupportsAdmissionControl {
  private final KinesisReadOptions options;
  private final BatchEnds ends;
  private final KinesisClient client;
  private final Map<String, Probe> idleProbes = new HashMap<>();

  ShardMicroBatchStream(KinesisReadOptions options, String checkpointLocation, Configuration hadoop) {
    this.options = options;
    this.ends = new BatchEnds(checkpointLocation, hadoop);
    this.client = options.client();
  }

  /** Batch 0 is never run: its "end" is where the stream is first read from. */
  @Override
  public Offset initialOffset() {
    String initial = ShardPosition.initial(options.startingPosition(), Instant.now());
    List<Shard> shards = shards();
    Map<String, String> starts = new LinkedHashMap<>();
    for (Shard s : shards) {
      if (s.parentShardId() == null) {
        starts.put(s.shardId(), initial);
      }
    }
    return new ShardOffset(0, withNewShards(starts, shards));
  }

  @Override
  public Offset latestOffset() {
    throw new UnsupportedOperationException("latestOffset(startOffset, readLimit) is used");
  }

  @Override
  public Offset latestOffset(Offset startOffset, ReadLimit limit) {
    ShardOffset last = ShardOffset.of(startOffset);
    Map<String, String> next = withNewShards(last.batch == 0 ? last.starts : endsOf(last), shards());
    boolean changed = !next.keySet().equals(last.starts.keySet());
    for (var e : next.entrySet()) {
      if (ShardPosition.isEnd(e.getValue())) {
        continue;
      }
      GetRecordsResponse probe = probe(e.getKey(), e.getValue());
      if (!probe.records().isEmpty() || probe.millisBehindLatest() != null && probe.millisBehindLatest() > 0) {
        changed = true;
      } else if (probe.nextShardIterator() == null) {
        e.setValue(ShardPosition.END);
        changed = true;
      }
    }
    return changed ? new ShardOffset(last.batch + 1, next) : last;
  }

  /**
   * One record from {@code position}. An idle shard is probed again with the iterator its last
   * empty probe returned: Kinesis allows five GetShardIterator calls a second per shard, shared by
   * every query reading the stream.
   */
  private GetRecordsResponse probe(String shardId, String position) {
    Probe last = idleProbes.remove(shardId);
    if (last != null && last.position.equals(position)) {
      try {
        return remember(shardId, position, client.getRecords(b -> b.limit(1).shardIterator(last.iterator)));
      } catch (ExpiredIteratorException e) {
        // idle for over five minutes: a new iterator below
      }
    }
    String iterator = client.getShardIterator(ShardPosition.iterator(options.streamName(), shardId, position))
        .shardIterator();
    return remember(shardId, position, client.getRecords(b -> b.limit(1).shardIterator(iterator)));
  }

  private GetRecordsResponse remember(String shardId, String position, GetRecordsResponse response) {
    if (response.records().isEmpty() && response.nextShardIterator() != null) {
      idleProbes.put(shardId, new Probe(position, response.nextShardIterator()));
    }
    return response;
  }

  private record Probe(String position, String iterator) {}

  private Map<String, String> endsOf(ShardOffset batch) {
    Map<String, String> next = new LinkedHashMap<>();
    batch.starts.forEach((shard, start) -> next.put(shard, ShardPosition.isEnd(start) ? start
        : ends.read(batch.batch, shard).orElseThrow(() -> new IllegalStateException("batch " + batch.batch
            + " of " + options.streamName() + " has no recorded end for shard " + shard
            + ": every shard of a batch must be read before it is committed"))));
    return next;
  }

  /** A shard split or merged into is read once its parents are read to their end, to keep key order. */
  private static Map<String, String> withNewShards(Map<String, String> starts, List<Shard> shards) {
    Map<String, String> next = new LinkedHashMap<>(starts);
    for (Shard s : shards) {
      if (!next.containsKey(s.shardId()) && parentsRead(s, next)) {
        next.put(s.shardId(), ShardPosition.TRIM_HORIZON);
      }
    }
    return next;
  }

  private static boolean parentsRead(Shard s, Map<String, String> positions) {
    Set<String> parents = new HashSet<>();
    if (s.parentShardId() != null) {
      parents.add(s.parentShardId());
    }
    if (s.adjacentParentShardId() != null) {
      parents.add(s.adjacentParentShardId());
    }
    return parents.stream().allMatch(p -> !positions.containsKey(p) || ShardPosition.isEnd(positions.get(p)));
  }

  private List<Shard> shards() {
    List<Shard> all = new ArrayList<>();
    ListShardsResponse page = client.listShards(b -> b.streamName(options.streamName()));
    all.addAll(page.shards());
    while (page.nextToken() != null) { // a token stands for the stream: the API refuses both
      String token = page.nextToken();
      page = client.listShards(b -> b.nextToken(token));
      all.addAll(page.shards());
    }
    return all;
  }

  @Override
  public InputPartition[] planInputPartitions(Offset start, Offset end) {
    ShardOffset batch = ShardOffset.of(end);
    return batch.starts.entrySet().stream()
        .filter(e -> !ShardPosition.isEnd(e.getValue()))
        .map(e -> new ShardRange(batch.batch, e.getKey(), e.getValue()))
        .toArray(InputPartition[]::new);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    KinesisReadOptions o = options;
    BatchEnds e = ends;
    return partition -> new ShardRangeReader(o, e, (ShardRange) partition);
  }

  @Override
  public Offset deserializeOffset(String json) {
    return ShardOffset.fromJson(json);
  }

  @Override
  public void commit(Offset end) {
    ends.purgeBefore(ShardOffset.of(end).batch);
  }

  @Override
  public void stop() {
    client.close();
  }

  /** What the query's progress reports call this source. */
  @Override
  public String toString() {
    return "KinesisStreamSource[" + options.streamName() + "]";
  }
}
