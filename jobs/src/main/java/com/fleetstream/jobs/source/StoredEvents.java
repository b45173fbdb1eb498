package com.fleetstream.jobs.source;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The valid events the events query stored in its Delta tables (on time and late), read back as one
 * stream, so the queries after it (windows, trips, alerts) take every event once, deduplicated, and
 * Kinesis is read and each record parsed only once. A Delta stream takes the files each commit adds
 * and skips compactions (they change no data); a commit that removes data (a {@code DELETE} someone
 * ran on the table) stops it, loudly: the tables are only ever appended to and inserted into.
 */
public final class StoredEvents {
  private StoredEvents() {}

  /**
   * @param tables the on-time events' Delta table, then the late events': both must exist, even if
   *     empty. Spark asks a query's sources for their new offsets in this order, and a batch's late
   *     events are committed before its on-time ones ({@code JobSinks.events}), so this stream
   *     takes a batch's late events, which are older, no later than its on-time ones: a device's
   *     fixes flushed after an outage come in its own order. The late events' table is read without
   *     a cap on files a batch, so it is never the one that lags.
   */
  public static Dataset<Row> read(SparkSession spark, List<String> tables) {
    Dataset<Row> onTime = spark.readStream().format("delta").load(tables.get(0));
    Dataset<Row> late = spark.readStream().format("delta")
        .option("maxFilesPerTrigger", Integer.MAX_VALUE).load(tables.get(1));
    return onTime.unionByName(late);
  }
}
