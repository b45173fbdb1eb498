package com.fleetstream.jobs.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query's foreachBatch: reads the batch once (persisted) however many sinks there are, counts the
 * rows every sink takes of it in that same pass, writes each sink its share ({@link SinkLanes}),
 * hands the rows each wrote to the batch's counts and logs what took how long.
 */
final class BatchWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
  /** Spark puts the running query's id into this local property of the thread running foreachBatch. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";
  private static final String SHARE = "share";

  private final String queryName;
  private final List<BatchSink> sinks;
  private final BatchAccounting accounting; // foreachBatch runs on the driver: nothing here is serialized

  BatchWriter(String queryName, List<BatchSink> sinks, BatchAccounting accounting) {
    this.queryName = queryName;
    this.sinks = List.copyOf(sinks);
    this.accounting = accounting;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    BatchId id = new BatchId(batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY), batchId);
    // Every sink runs a Spark job or two over the batch. A micro-batch split into more partitions
    // than there are cores pays task overhead in each of them and writes more small files.
    Dataset<Row> cached = batch.coalesce(batch.sparkSession().sparkContext().defaultParallelism())
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> millis = new ConcurrentSkipListMap<>();
    long start = System.nanoTime();
    try {
      List<SinkLanes.Share> shares = shares(cached);
      millis.put("(read, transform and count)", (System.nanoTime() - start) / 1_000_000);
      SinkLanes.write(shares, id, (sink, rows, ms) -> {
        accounting.recordWritten(queryName, batchId, sink.name(), rows);
        millis.put(sink.name(), ms);
      });
    } finally {
      cached.unpersist();
    }
    LOG.info("{} batch {} took {} ms: {}", queryName, batchId, (System.nanoTime() - start) / 1_000_000, millis);
  }

  /**
   * Every sink's rows of the batch with their count, all counted in one Spark job that also computes
   * the cached batch: sinks taking the same rows (the lake's formats and PostgreSQL, say) share a
   * count, and a share found empty is written by no Spark job at all.
   */
  private List<SinkLanes.Share> shares(Dataset<Row> cached) {
    List<Dataset<Row>> distinct = new ArrayList<>();
    int[] shareOf = new int[sinks.size()];
    List<Dataset<Row>> taken = new ArrayList<>();
    for (int i = 0; i < sinks.size(); i++) {
      Dataset<Row> rows = sinks.get(i).taking().apply(cached);
      taken.add(rows);
      int same = -1;
      for (int j = 0; j < distinct.size() && same < 0; j++) {
        same = distinct.get(j).sameSemantics(rows) ? j : -1;
      }
      if (same < 0) {
        same = distinct.size();
        distinct.add(rows);
      }
      shareOf[i] = same;
    }
    if (distinct.isEmpty()) {
      cached.count(); // no sink: the batch is computed all the same, for its counts
      return List.of();
    }
    Dataset<Row> tagged = null;
    Column[] counts = new Column[distinct.size()];
    for (int j = 0; j < distinct.size(); j++) {
      Dataset<Row> share = distinct.get(j).select(lit(j).as(SHARE));
      tagged = tagged == null ? share : tagged.union(share);
      counts[j] = count(when(col(SHARE).equalTo(j), 1));
    }
    Row counted = tagged.agg(counts[0], Arrays.copyOfRange(counts, 1, counts.length)).first();
    List<SinkLanes.Share> shares = new ArrayList<>();
    for (int i = 0; i < sinks.size(); i++) {
      shares.add(new SinkLanes.Share(sinks.get(i), taken.get(i), counted.getLong(shareOf[i])));
    }
    return shares;
  }
}
