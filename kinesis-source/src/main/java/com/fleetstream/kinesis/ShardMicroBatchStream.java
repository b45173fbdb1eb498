package com.fleetstream.kinesis;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReportsSourceMetrics;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Plans micro-batches over a stream's shards. A batch starts where the previous one's tasks recorded
 * they stopped ({@link BatchEnds}); one is planned only when a shard has a record past that point.
 * The checkpoint records the stream it belongs to ({@link StreamIdentity}) and is refused by any other.
 */
final class ShardMicroBatchStream implements MicroBatchStream, SupportsTriggerAvailableNow, ReportsSourceMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(ShardMicroBatchStream.class);
  private static final int OLDEST_RECORD_PAGES = 5;
  /** Kinesis's clock is read to the second, and the query saw the shard caught up a trigger before it stopped. */
  private static final Duration CLOCK_MARGIN = Duration.ofMinutes(10);

  private final KinesisReadOptions options;
  private final BatchEnds ends;
  private final CaughtUp caughtUp;
  private final KinesisClient client;
  private final StreamIdentity stream;
  private final Map<String, Probe> idleProbes = new HashMap<>();
  private final AtomicLong expiredGaps = new AtomicLong();
  /** Per shard, how far behind the stream's tip the last planned batch starts, from the probes. */
  private final Map<String, Long> millisBehind = new java.util.concurrent.ConcurrentSkipListMap<>();
  private boolean retentionChecked;

  ShardMicroBatchStream(KinesisReadOptions options, String checkpointLocation, Configuration hadoop) {
    this.options = options;
    CheckpointFiles checkpoint = new CheckpointFiles(checkpointLocation, hadoop);
    this.ends = new BatchEnds(checkpoint);
    this.caughtUp = new CaughtUp(checkpoint);
    this.client = options.client();
    try {
      this.stream = StreamIdentity.describe(client, options.streamName());
      stream.claim(checkpoint);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Refused: the wrapper Spark would put around this source reads one batch to a fixed end offset, but
   * this source's offsets hold where batches start, not where they end. STOP_WHEN_DRAINED (a
   * ProcessingTime trigger that stops once the stream is drained) does what AvailableNow is for.
   */
  @Override
  public void prepareForTriggerAvailableNow() {
    throw new UnsupportedOperationException(KinesisStreamSource.description(options.streamName()) + " does not support"
        + " Trigger.AvailableNow; use a ProcessingTime trigger (the jobs' TRIGGER_INTERVAL) and stop the query once"
        + " it is drained (the jobs' STOP_WHEN_DRAINED true). Nothing was read or written to the checkpoint");
  }

  /**
   * Where the stream is first read from, as batch 0. Spark runs a batch ending at it only when it
   * finds nothing to read at the first trigger (it runs a first batch whenever no batch is committed);
   * that batch's readers then read what arrived since, and the next batch starts where they stopped.
   */
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
    List<Shard> shards = shards();
    Map<String, String> next = withNewShards(last.batch == 0 && !read(last) ? last.starts : endsOf(last), shards);
    boolean changed = !next.keySet().equals(last.starts.keySet());
    if (!retentionChecked) { // while the query runs it reads the shards' records well within their retention
      if (skipExpired(next, shards)) {
        next = withNewShards(next, shards); // the children of a shard that left the stream
        changed = true;
      }
      retentionChecked = true;
    }
    for (var e : next.entrySet()) {
      if (ShardPosition.isEnd(e.getValue())) {
        continue;
      }
      GetRecordsResponse probe = probe(e.getKey(), e.getValue());
      if (probe.millisBehindLatest() != null) {
        millisBehind.put(e.getKey(), probe.millisBehindLatest());
      }
      if (!probe.records().isEmpty() || probe.millisBehindLatest() != null && probe.millisBehindLatest() > 0) {
        changed = true;
      } else if (probe.nextShardIterator() == null) {
        e.setValue(ShardPosition.END);
        changed = true;
      } else if (Long.valueOf(0).equals(probe.millisBehindLatest())) { // nothing to read, nothing behind
        String position = e.getValue();
        kinesisTime(probe).ifPresent(at -> caughtUp.seen(e.getKey(), position, at));
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
    GetRecordsResponse first = client.getRecords(b -> b.limit(1).shardIterator(iterator));
    if (first.records().isEmpty() && first.nextShardIterator() != null && first.millisBehindLatest() != null
        && first.millisBehindLatest() > 0) {
      // An idle shard's first empty page from a new iterator may report lag it does not have
      // (awslabs/spark-sql-kinesis-connector#49): the next page says whether it is behind. Without
      // this, every trigger would plan a batch whose readers find nothing.
      GetRecordsResponse next = client.getRecords(b -> b.limit(1).shardIterator(first.nextShardIterator()));
      return remember(shardId, position, next);
    }
    return remember(shardId, position, first);
  }

  private GetRecordsResponse remember(String shardId, String position, GetRecordsResponse response) {
    if (response.records().isEmpty() && response.nextShardIterator() != null) {
      idleProbes.put(shardId, new Probe(position, response.nextShardIterator()));
    }
    return response;
  }

  private record Probe(String position, String iterator) {}

  /** Kinesis's clock: the time its answer was sent (HTTP {@code Date}, to the second). */
  private static Optional<Instant> kinesisTime(GetRecordsResponse response) {
    return response.sdkHttpResponse().firstMatchingHeader("Date")
        .map(date -> ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
  }

  /**
   * Whether the record each shard's checkpointed position follows is still in the stream. If not,
   * records after it may have expired unread (the stream keeps them for its retention period),
   * unless the shard was seen caught up at that position less than the retention ago (in Kinesis's
   * clock): then every record after it arrived since and is still there, and the shard is read on
   * from its oldest record. A shard that idled past the retention (a fleet parked over a weekend)
   * resumes so; one whose records may have expired unread fails, or with failOnDataLoss false logs
   * the gap, counts it in {@link #metrics} and moves the shard's position to its oldest record.
   *
   * <p>A shard closed by a reshard leaves the stream once its records have expired (ListShards no
   * longer lists it, GetShardIterator refuses it). If the checkpoint had not read it to its end,
   * what it held after the checkpointed position expired unread: the same gap, after which the
   * shard counts as read and its children are read from their start.
   *
   * @return whether a position was moved
   */
  private boolean skipExpired(Map<String, String> positions, List<Shard> listed) {
    Set<String> inStream = new HashSet<>();
    listed.forEach(s -> inStream.add(s.shardId()));
    boolean moved = false;
    for (var e : positions.entrySet()) {
      if (!ShardPosition.isEnd(e.getValue()) && !inStream.contains(e.getKey())) {
        String read = ShardPosition.isSequence(e.getValue()) ? "goes on after sequence number "
            + ShardPosition.sequence(e.getValue()) : "starts at " + e.getValue();
        lost("shard " + e.getKey() + " of " + stream.arn() + ": the checkpoint " + read
            + ", but the shard has left the stream: it was closed by a reshard, and Kinesis drops a closed shard"
            + " once its records expire (the stream keeps records for " + stream.retention().toHours() + " h)."
            + " Records it held after that position, if there were any, expired unread: the job was stopped or"
            + " behind for longer than the retention.", "with its children, from their oldest records");
        e.setValue(ShardPosition.END);
        moved = true;
        continue;
      }
      if (!ShardPosition.isSequence(e.getValue())) {
        continue;
      }
      BigInteger after = ShardPosition.sequence(e.getValue());
      Oldest oldest = oldestRecord(e.getKey());
      if (oldest.record().isPresent() && new BigInteger(oldest.record().get().sequenceNumber()).compareTo(after) <= 0) {
        continue;
      }
      Optional<CaughtUp.Seen> seen = caughtUp.last(e.getKey()).filter(s -> s.position().equals(e.getValue()));
      if (seen.isPresent() && oldest.now().isPresent()
          && Duration.between(seen.get().at(), oldest.now().get()).compareTo(stream.retention().minus(CLOCK_MARGIN)) < 0) {
        LOG.info("shard {} of {}: the record the checkpoint goes on after expired while the shard idled; it was caught"
            + " up there at {}, within the {} h retention, so nothing after it expired. Reading on from the oldest"
            + " record", e.getKey(), stream.arn(), seen.get().at(), stream.retention().toHours());
        e.setValue(ShardPosition.TRIM_HORIZON);
        moved = true;
        continue;
      }
      String gap = "shard " + e.getKey() + " of " + stream.arn() + ": the checkpoint goes on after sequence number "
          + after + ", which the stream no longer holds (it keeps records for " + stream.retention().toHours()
          + " h); " + oldest.record().map(r -> "its oldest record is " + r.sequenceNumber() + ", which arrived at "
              + r.approximateArrivalTimestamp()).orElse("it holds no records")
          + seen.map(s -> "; the query last saw the shard caught up there at " + s.at()).orElse("")
          + ". Records between them, if there were any, expired unread: the job was stopped or behind for longer"
          + " than the retention.";
      lost(gap, "from the oldest record");
      e.setValue(ShardPosition.TRIM_HORIZON);
      moved = true;
    }
    return moved;
  }

  /** A gap of expired records: fails the query, or with failOnDataLoss false is logged and counted. */
  private void lost(String gap, String onward) {
    DataLoss.tolerate(options, LOG, gap, onward);
    expiredGaps.incrementAndGet();
  }

  /** A shard's oldest record, if it holds one, and Kinesis's clock when it answered. */
  private record Oldest(Optional<Record> record, Optional<Instant> now) {}

  /** A few pages in, as an emulator may return expired records' pages empty. */
  private Oldest oldestRecord(String shardId) {
    String iterator = client.getShardIterator(
        ShardPosition.iterator(options.streamName(), shardId, ShardPosition.TRIM_HORIZON)).shardIterator();
    Optional<Instant> now = Optional.empty();
    for (int page = 0; page < OLDEST_RECORD_PAGES && iterator != null; page++) {
      String from = iterator;
      GetRecordsResponse r = client.getRecords(b -> b.shardIterator(from).limit(1)); // the oldest is all it needs
      now = kinesisTime(r);
      if (!r.records().isEmpty()) {
        return new Oldest(Optional.of(r.records().get(0)), now);
      }
      iterator = r.nextShardIterator();
    }
    return new Oldest(Optional.empty(), now);
  }

  /**
   * In each progress report's source entry: how far behind the stream's tip the query is, in all
   * ({@link KinesisStreamSource#MAX_MILLIS_BEHIND}) and per shard ({@link KinesisStreamSource#MILLIS_BEHIND},
   * a JSON object), and how many gaps of expired records it read past
   * ({@link KinesisStreamSource#EXPIRED_GAPS}).
   */
  @Override
  public Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
    Map<String, Long> lag = new LinkedHashMap<>(millisBehind);
    StringBuilder perShard = new StringBuilder("{");
    lag.forEach((shard, ms) -> perShard.append(perShard.length() > 1 ? "," : "").append('"').append(shard)
        .append("\":").append(ms));
    return Map.of(KinesisStreamSource.EXPIRED_GAPS, Long.toString(expiredGaps.get()),
        KinesisStreamSource.MAX_MILLIS_BEHIND,
        Long.toString(lag.values().stream().mapToLong(Long::longValue).max().orElse(0)),
        KinesisStreamSource.MILLIS_BEHIND, perShard.append('}').toString());
  }

  /** Whether a batch's readers recorded where they stopped on every shard it reads. */
  private boolean read(ShardOffset batch) {
    return batch.starts.entrySet().stream()
        .allMatch(e -> ShardPosition.isEnd(e.getValue()) || ends.read(batch.batch, e.getKey()).isPresent());
  }

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
    return KinesisStreamSource.description(options.streamName());
  }
}
