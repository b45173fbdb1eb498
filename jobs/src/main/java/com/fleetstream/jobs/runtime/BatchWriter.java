package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query's foreachBatch: reads the batch once (persisted) however many sinks there are, writes it
 * to them ({@link SinkLanes}), hands the rows each wrote to the batch's counts and logs what took how long.
 */
final class BatchWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
  /** Spark puts the running query's id into this local property of the thread running foreachBatch. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

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
    // Every sink runs a few Spark jobs over the batch. A micro-batch split into more partitions
    // than there are cores pays task overhead in each of them and writes more small files.
    Dataset<Row> cached = batch.coalesce(batch.sparkSession().sparkContext().defaultParallelism())
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> millis = new ConcurrentSkipListMap<>();
    long start = System.nanoTime();
    try {
      cached.count(); // computed once here, not by whichever sink asks first while the others wait
      millis.put("(read and transform)", (System.nanoTime() - start) / 1_000_000);
      SinkLanes.write(cached, id, sinks, (sink, rows, ms) -> {
        accounting.recordWritten(queryName, batchId, sink.name(), rows);
        millis.put(sink.name(), ms);
      });
    } finally {
      cached.unpersist();
    }
    LOG.info("{} batch {} took {} ms: {}", queryName, batchId, (System.nanoTime() - start) / 1_000_000, millis);
  }
}
