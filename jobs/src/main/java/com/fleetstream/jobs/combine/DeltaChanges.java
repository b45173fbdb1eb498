package com.fleetstream.jobs.combine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@code dt} partitions of a streams' Delta table changed between two versions, from its
 * change data feed (the streams create their tables with {@code delta.enableChangeDataFeed}).
 */
public final class DeltaChanges {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaChanges.class);
  /**
   * Delta's error classes for a feed that does not cover the versions asked for: versions written
   * before it was enabled (DELTA_MISSING_CHANGE_DATA), or whose commits the log cleanup removed
   * since the table's history was read (DELTA_EMPTY_DIRECTORY, DELTA_VERSIONS_NOT_CONTIGUOUS).
   */
  private static final Set<String> FEED_MISSING = Set.of("DELTA_MISSING_CHANGE_DATA", "DELTA_EMPTY_DIRECTORY",
      "DELTA_VERSIONS_NOT_CONTIGUOUS");

  private DeltaChanges() {}

  /** The table's newest version, -1 when there is no table yet. */
  public static long version(SparkSession spark, String path) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return -1;
    }
    return DeltaTable.forPath(spark, path).history(1).select("version").head().getLong(0);
  }

  /** An existing table's id (Delta's, from its metadata). */
  public static String tableId(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).detail().select("id").head().getString(0);
  }

  /** The table as it was at {@code version}: what a run reads is what its manifest records. */
  public static Dataset<Row> asOf(SparkSession spark, String path, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /**
   * Days touched by commits after {@code sinceVersion} up to {@code toVersion}: partitions with rows
   * added, updated or removed (a compaction changes no rows, so no day). Every day of
   * {@code toVersion} when the table is new to us, or the feed does not cover those versions: a table
   * made before the feed was enabled, or commits older than its log retention.
   */
  public static Set<String> changedDays(SparkSession spark, String path, long sinceVersion, long toVersion) {
    if (toVersion <= sinceVersion) {
      return new TreeSet<>();
    }
    long oldest = sinceVersion >= 0 ? oldestCommit(spark, path) : -1;
    if (sinceVersion >= 0 && oldest > sinceVersion) {
      // the feed is read from the commit after sinceVersion on a snapshot at sinceVersion: both need
      // commits the log cleanup (delta.logRetentionDuration) has removed
      LOG.warn("{}: the log holds commits from version {} only, not from {}; taking every day as changed", path,
          oldest, sinceVersion);
    } else if (sinceVersion >= 0) {
      try {
        return days(spark.read().format("delta").option("readChangeFeed", "true")
            .option("startingVersion", sinceVersion + 1).option("endingVersion", toVersion).load(path));
      } catch (Exception e) {
        if (!(e instanceof SparkThrowable s && FEED_MISSING.contains(s.getErrorClass()))) {
          throw e; // the store or the table failing is not a reason to rewrite every day
        }
        LOG.warn("{}: no change data for versions {} to {} ({}); taking every day as changed", path,
            sinceVersion + 1, toVersion, firstLine(e));
      }
    }
    return days(asOf(spark, path, toVersion));
  }

  /** The oldest commit the table's log still holds (its history is read from those commits). */
  private static long oldestCommit(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history().agg(min("version")).head().getLong(0);
  }

  /** A Spark error message runs on with the plan; an exception may have no message at all. */
  private static String firstLine(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
  }

  private static Set<String> days(Dataset<Row> rows) {
    Set<String> days = new TreeSet<>();
    rows.select(col("dt")).na().drop().distinct().collectAsList().forEach(r -> days.add(r.getString(0)));
    return days;
  }
}
