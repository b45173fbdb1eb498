package com.fleetstream.jobs.runtime;

import java.util.Optional;

/**
 * Recognises a query that cannot resume from its checkpoint because the state it saved was made by
 * an incompatible version of the query (a changed key, aggregate or deduplication), or because it
 * now reads other sources, and says what the operator can do. A change to a stateless step resumes
 * without any of this.
 */
final class CheckpointCompatibility {
  /**
   * Which of the two Spark raises depends on which task gets there first: the schema check when it
   * reads the saved schema, or the row check when it reads a saved row.
   */
  private static final java.util.Set<String> SPARK_CLASSES = java.util.Set.of(
      "org.apache.spark.sql.execution.streaming.state.StateSchemaNotCompatible",
      "org.apache.spark.sql.execution.streaming.state.InvalidUnsafeRowException");

  private CheckpointCompatibility() {}

  static Optional<String> explain(Throwable failure, String query, String checkpoint) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (SPARK_CLASSES.contains(t.getClass().getName()) || message.contains("schema for existing state")
          || message.contains("state format invalidation")) {
        return Optional.of("query " + query + " cannot resume from its checkpoint " + checkpoint
            + ": the state saved there was written by a version of the query with a different state layout ("
            + firstLine(message) + "). A checkpoint made before the deduplication state came in buckets"
            + " resumes with --DEDUP_STATE per-id. Otherwise run the previous version of the job until you can"
            + " switch, or start this query afresh: stop the job, move " + checkpoint + " aside and start it again with"
            + " --STARTING_POSITION LATEST (or TRIM_HORIZON to rebuild the state from what the stream still"
            + " holds; the new checkpoint's batches are new to every sink, so already written events are"
            + " written again). Nothing was written by this attempt.");
      }
      if (message.contains("sources in the checkpoint offsets and now there are")) {
        return Optional.of("query " + query + " cannot resume from its checkpoint " + checkpoint
            + ": it reads other sources than the checkpoint was made with (" + firstLine(message) + "). With"
            + " delta in --SINKS the windows, trips and alerts queries read the events query's Delta tables,"
            + " without it the streams themselves; so do --STREAM_NAMES. Run the job with the arguments the"
            + " checkpoint was made with, or stop it, move " + checkpoint + " aside and start it again: the"
            + " query then reads the events Delta holds from their start (without Delta, the streams from"
            + " --STARTING_POSITION), and its sinks merge what it writes again on their keys. Nothing was"
            + " written by this attempt.");
      }
    }
    return Optional.empty();
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
