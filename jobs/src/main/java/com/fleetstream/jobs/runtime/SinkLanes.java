package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.ObjLongConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes one batch to its sinks, lane by lane ({@link BatchSink#lane}) concurrently: a lake write
 * mostly waits on storage and log commits, so they overlap well even on few cores. The batch fails,
 * once every lane has stopped, if any did. Each lane runs on a thread started here, which takes this
 * thread's Spark properties (the batch's execution and job group) with it.
 */
final class SinkLanes {
  private SinkLanes() {}

  /** A sink and its rows of the batch, counted. */
  record Share(BatchSink sink, Dataset<Row> rows, long count) {}

  /** @param written told each sink's rows written and the milliseconds it took */
  static void write(List<Share> shares, BatchId id, SinkTimed written) {
    Map<String, List<Share>> lanes = new LinkedHashMap<>();
    shares.forEach(s -> lanes.computeIfAbsent(s.sink().lane(), k -> new ArrayList<>()).add(s));
    List<CompletableFuture<Void>> running = lanes.values().stream()
        .map(lane -> CompletableFuture.runAsync(() -> {
          for (Share share : lane) {
            long start = System.nanoTime();
            long rows = share.sink().write(share.rows(), share.count(), id);
            written.accept(share.sink(), rows, (System.nanoTime() - start) / 1_000_000);
          }
        }, task -> new Thread(task, "sink-lane-" + lane.get(0).sink().lane()).start()))
        .toList();
    Throwable failure = null;
    for (var lane : running) {
      try {
        lane.join();
      } catch (CompletionException e) {
        if (failure == null) {
          failure = e.getCause();
        } else {
          failure.addSuppressed(e.getCause());
        }
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  @FunctionalInterface
  interface SinkTimed {
    void accept(BatchSink sink, long rows, long millis);
  }
}
