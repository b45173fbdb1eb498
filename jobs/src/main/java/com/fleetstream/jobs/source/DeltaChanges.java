package com.fleetstream.jobs.source;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.Option;

/** Which {@code dt} partitions of a Delta table changed between two versions, read from its log. */
public final class DeltaChanges {
  private DeltaChanges() {}

  /** The table's current version, -1 when there is no table yet. */
  public static long version(SparkSession spark, String path) {
    return snapshot(spark, path).version();
  }

  private static Snapshot snapshot(SparkSession spark, String path) {
    return DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty());
  }

  /**
   * Days touched by commits after {@code sinceVersion} up to {@code toVersion}: partitions with rows
   * added or removed. All days when the table is new to us or the commits have been cleaned up.
   */
  public static Set<String> changedDays(SparkSession spark, String path, long sinceVersion, long toVersion) {
    Set<String> days = new TreeSet<>();
    if (toVersion <= sinceVersion) {
      return days;
    }
    List<String> commits = new ArrayList<>();
    try {
      FileSystem fs = new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (long v = sinceVersion + 1; sinceVersion >= 0 && v <= toVersion; v++) {
        Path commit = new Path(path, String.format("_delta_log/%020d.json", v));
        if (!fs.exists(commit)) {
          commits.clear();
          break; // cleaned up: fall back to every day
        }
        commits.add(commit.toString());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (commits.isEmpty()) {
      // from the log's file list: scanning the data files for dt took seconds per table
      snapshot(spark, path).allFiles().toDF()
          .select(col("partitionValues.dt")).na().drop().distinct().collectAsList()
          .forEach(r -> days.add(r.getString(0)));
      return days;
    }
    var log = spark.read().json(commits.toArray(String[]::new));
    for (String action : List.of("add", "remove")) {
      if (List.of(log.columns()).contains(action)) {
        // a compaction rewrites files without changing their rows (dataChange false): no day changed
        for (Row r : log.filter(col(action + ".dataChange")).select(col(action + ".partitionValues.dt")).na().drop()
            .distinct().collectAsList()) {
          days.add(r.getString(0));
        }
      }
    }
    return days;
  }
}
