package com.fleetstream.kinesis;

import java.math.BigInteger;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Reads one {@link ShardRange}. Without a recorded end it reads until the shard is caught up (or a
 * per-batch limit is reached) and records where it stopped; with one it stops exactly there.
 */
final class ShardRangeReader implements PartitionReader<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(ShardRangeReader.class);
  private static final long EMPTY_READ_PAUSE_MS = 200;
  /** Per executor JVM and stream: building a client costs more than a small batch's reads. */
  private static final Map<KinesisReadOptions, KinesisClient> CLIENTS = new ConcurrentHashMap<>();

  private final KinesisReadOptions options;
  private final BatchEnds ends;
  private final ShardRange range;
  private final Optional<String> end;
  /** The recorded end's sequence number, parsed once: every record is compared with it. */
  private final BigInteger endSequence;
  private final UTF8String stream;
  private final long deadline;
  private KinesisClient client;
  private String iterator;
  private Iterator<Record> page = Collections.emptyIterator();
  private boolean lastPage;
  private boolean shardClosed;
  private boolean reachedEnd;
  private String lastSequence;
  private long read;
  private int expiredInARow;
  private InternalRow current;

  ShardRangeReader(KinesisReadOptions options, BatchEnds ends, ShardRange range) {
    this.options = options;
    this.ends = ends;
    this.range = range;
    this.end = ends.read(range.batch(), range.shardId());
    this.endSequence = end.filter(ShardPosition::isSequence).map(ShardPosition::sequence).orElse(null);
    this.stream = UTF8String.fromString(options.streamName());
    this.deadline = System.nanoTime() + options.maxFetch().toNanos();
    // a recorded end equal to the start: that batch read nothing from this shard
    this.lastPage = end.filter(range.start()::equals).isPresent();
  }

  @Override
  public boolean next() {
    while (true) {
      if (page.hasNext()) {
        Record r = page.next();
        if (endSequence != null) {
          int c = new BigInteger(r.sequenceNumber()).compareTo(endSequence);
          if (c > 0) {
            if (!reachedEnd) {
              expiredBeforeReplay();
            }
            return finish();
          }
          reachedEnd = c == 0;
        }
        emit(r);
        return true;
      }
      if (lastPage || reachedEnd) {
        return finish();
      }
      fetch();
    }
  }

  private void fetch() {
    if (client == null) {
      client = CLIENTS.computeIfAbsent(options, KinesisReadOptions::client);
      iterator = iterator(range.start());
    }
    GetRecordsResponse response;
    try {
      response = client.getRecords(b -> b.shardIterator(iterator).limit(options.maxRecordsPerRead()));
      expiredInARow = 0;
    } catch (ExpiredIteratorException e) {
      // An iterator lives five minutes: a read held up longer (a stalled task, a long GC, throttling
      // back-off) goes on from where it stopped with a new one. A new one refused as well is no pause.
      if (++expiredInARow > 1) {
        throw e;
      }
      String from = lastSequence == null ? range.start() : ShardPosition.after(lastSequence);
      LOG.warn("shard {} of {}: the iterator expired; reading on from {} with a new one", range.shardId(),
          options.streamName(), from);
      iterator = iterator(from);
      return;
    }
    page = response.records().iterator();
    iterator = response.nextShardIterator();
    boolean caughtUp = response.millisBehindLatest() != null && response.millisBehindLatest() == 0;
    if (iterator == null) {
      shardClosed = true;
      lastPage = true;
    } else if (end.isEmpty()) {
      lastPage = caughtUp || read + response.records().size() >= options.maxRecordsPerShard()
          || System.nanoTime() > deadline;
    } else if (caughtUp && response.records().isEmpty()) {
      expiredBeforeReplay();
      lastPage = true;
    }
    if (response.records().isEmpty() && !lastPage) {
      pause();
    }
  }

  /**
   * A replayed batch's range no longer holds its last record, which its first run read: Kinesis
   * removes records only as they expire, so they expired before the replay (a checkpoint left longer
   * than the stream's retention with a batch planned). Fails, or with failOnDataLoss false logs the
   * gap and replays what is left.
   */
  private void expiredBeforeReplay() {
    DataLoss.tolerate(options, LOG, "batch " + range.batch() + " read shard " + range.shardId() + " of "
        + options.streamName() + " up to " + end.get() + ", and the stream no longer holds "
        + (lastSequence == null ? "any of those records" : "those after sequence number " + lastSequence)
        + ": they expired before the batch was replayed (the job was stopped for longer than the stream's retention"
        + " with a batch planned).", "with what is left of the batch");
  }

  private String iterator(String position) {
    return client.getShardIterator(ShardPosition.iterator(options.streamName(), range.shardId(), position))
        .shardIterator();
  }

  private void emit(Record r) {
    lastSequence = r.sequenceNumber();
    read++;
    current = new GenericInternalRow(new Object[] {
        r.data().asByteArray(), stream, UTF8String.fromString(r.partitionKey()),
        UTF8String.fromString(r.sequenceNumber()),
        r.approximateArrivalTimestamp().toEpochMilli() * 1000});
  }

  private boolean finish() {
    if (end.isEmpty()) {
      String stop = shardClosed && !page.hasNext() ? ShardPosition.END
          : lastSequence != null ? ShardPosition.after(lastSequence) : range.start();
      ends.record(range.batch(), range.shardId(), stop);
    }
    current = null;
    return false;
  }

  private static void pause() {
    try {
      Thread.sleep(EMPTY_READ_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading Kinesis", e);
    }
  }

  @Override
  public InternalRow get() {
    return current;
  }

  @Override
  public void close() {
    // the client is shared; it lives as long as the executor
  }
}
