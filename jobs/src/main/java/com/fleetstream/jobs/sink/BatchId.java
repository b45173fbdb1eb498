package com.fleetstream.jobs.sink;

/**
 * A micro-batch's identity across restarts: the streaming query id (kept in the checkpoint, new for a
 * new checkpoint, when Spark counts batches from 0 again) and the batch number.
 */
public record BatchId(String queryId, long batch) {
  public String fileToken() {
    return String.format("%s-%08d", queryId, batch);
  }
}
