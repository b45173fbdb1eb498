package com.fleetstream.jobs.combine;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Replaces whole days of a final Delta table in one commit ({@code replaceWhere}), so readers see the
 * old day or the new day, never half of it, and a rerun of the same days changes nothing but the
 * version. Files are cut at a target size: the bytes a row takes are measured by writing a sample.
 */
public final class FinalTableWriter {
  private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final int SAMPLE_ROWS = 20_000;
  /** A file of a day lies in {@code dt=<day>/} or a folder under it ({@code dt=<day>/hour=<h>/}). */
  private static final Pattern DAY_FOLDER = Pattern.compile(".*/dt=([^/]+)/.*");

  /** Rows and bytes one day of a table holds after the write. */
  public record DayStats(long rows, long bytes) {}

  private final String tmpPath;
  private final long targetFileBytes;

  public FinalTableWriter(String tmpPath, long targetFileBytes) {
    this.tmpPath = tmpPath;
    this.targetFileBytes = targetFileBytes;
  }

  public Map<String, DayStats> replaceDays(Dataset<Row> rows, String path, Set<String> days, String... partitionBy) {
    if (days.isEmpty()) {
      return Map.of();
    }
    for (String day : days) {
      if (!DAY.matcher(day).matches()) {
        throw new IllegalArgumentException("not a day partition: " + day);
      }
    }
    Dataset<Row> cached = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long maxRecords = Math.max(1, targetFileBytes / bytesPerRow(cached, path));
      cached.repartition(col("dt")).write().format("delta").mode(SaveMode.Overwrite)
          .option("replaceWhere", days.stream().map(d -> "'" + d + "'").collect(Collectors.joining(", ", "dt IN (", ")")))
          .option("maxRecordsPerFile", maxRecords)
          .partitionBy(partitionBy)
          .save(path);
    } finally {
      cached.unpersist();
    }
    return stats(rows.sparkSession(), path, days);
  }

  /** @param rows already persisted by the caller: the sample costs no second computation */
  private long bytesPerRow(Dataset<Row> rows, String table) {
    Path sample = new Path(tmpPath, "size-sample-" + new Path(table).getName());
    SparkSession spark = rows.sparkSession();
    try {
      FileSystem fs = sample.getFileSystem(spark.sparkContext().hadoopConfiguration());
      rows.limit(SAMPLE_ROWS).coalesce(1).write().mode(SaveMode.Overwrite).parquet(sample.toString());
      long n = spark.read().parquet(sample.toString()).count(); // from the footers
      long bytes = 0;
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(sample, true);
      while (files.hasNext()) {
        LocatedFileStatus f = files.next();
        if (f.getPath().getName().endsWith(".parquet")) {
          bytes += f.getLen();
        }
      }
      fs.delete(sample, true);
      return n == 0 ? 1 : Math.max(1, bytes / n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows per day counted, bytes per day summed over the day's files in the table's current version. */
  private static Map<String, DayStats> stats(SparkSession spark, String path, Set<String> days) {
    Dataset<Row> written = spark.read().format("delta").load(path).filter(col("dt").isin((Object[]) days.toArray()));
    Map<String, Long> rows = new TreeMap<>();
    written.groupBy("dt").count().collectAsList().forEach(r -> rows.put(r.getString(0), r.getLong(1)));
    Map<String, Long> bytes = new TreeMap<>();
    try {
      FileSystem fs = new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (String file : written.inputFiles()) {
        Matcher day = DAY_FOLDER.matcher(file);
        if (day.matches()) {
          bytes.merge(day.group(1), fs.getFileStatus(new Path(file)).getLen(), Long::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, DayStats> stats = new TreeMap<>();
    days.forEach(d -> stats.put(d, new DayStats(rows.getOrDefault(d, 0L), bytes.getOrDefault(d, 0L))));
    return stats;
  }
}
