package com.fleetstream.jobs.sink;

import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the small files a stream's append-only Delta table collects, one per batch and hour,
 * outside the stream's batches (from its driver, {@link Housekeeping}). Auto-compaction
 * did it inside the batch that crossed the file count, which held that batch, and every sink
 * waiting on it, for seconds.
 *
 * <p>The stream's appends never fail on an OPTIMIZE; an OPTIMIZE that meets an append into an hour
 * it compacts (a late event) fails and is tried again later. Only hours before {@code before}'s are
 * compacted: the current one still grows every batch.
 * A table merged into (MERGE reads the files OPTIMIZE replaces) keeps Delta's auto-compaction.
 */
public final class DeltaCompaction {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaCompaction.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);

  private DeltaCompaction() {}

  /**
   * Deletes the files no table version within the table's {@code delta.deletedFileRetentionDuration}
   * (7 days unless set) refers to: what compactions and merges replaced. A reader of an older version
   * than that (time travel) no longer finds its files.
   */
  public static void vacuum(SparkSession spark, String path) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      DeltaTable.forPath(spark, path).vacuum();
      LOG.info("{}: vacuumed", path);
    }
  }

  /** @return files removed by the compaction (0 when every closed hour was compact already) */
  public static long compactHoursBefore(SparkSession spark, String path, Instant before) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return 0; // the stream has not written it yet
    }
    String day = DAY.format(before);
    // dt and hour are text partition values, yyyy-MM-dd and HH: they sort as the time they name
    String closed = "dt < '" + day + "' OR (dt = '" + day + "' AND hour < '" + HOUR.format(before) + "')";
    Row metrics = DeltaTable.forPath(spark, path).optimize().where(closed).executeCompaction().first();
    long removed = metrics.getStruct(metrics.fieldIndex("metrics")).getAs("numFilesRemoved");
    LOG.info("{}: compacted hours before {} {}:00, {} files removed", path, day, HOUR.format(before), removed);
    return removed;
  }
}
