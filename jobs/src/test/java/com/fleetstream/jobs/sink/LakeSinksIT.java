package com.fleetstream.jobs.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.TestS3;
import com.fleetstream.jobs.combine.DeltaChanges;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parquet and Delta sinks on the local file system and on S3 (S3Mock through hadoop-aws s3a,
 * path-style): each batch lands once, however often it is replayed.
 */
class LakeSinksIT {
  private static String base(String scheme) {
    return scheme.equals("s3a") ? TestS3.base()
        : Path.of("target", "lake-" + UUID.randomUUID()).toAbsolutePath().toUri().toString();
  }

  /** Window-like rows: key, value, partition columns. */
  private static Dataset<Row> rows(String values) {
    return SparkTestSession.get().sql("SELECT key, value, '2026-03-01' AS dt, '10' AS hour FROM VALUES " + values
        + " AS t(key, value)").repartition(2);
  }

  private static List<String> keyValues(Dataset<Row> table) {
    return table.orderBy("key").collectAsList().stream().map(r -> r.getAs("key") + "=" + r.getAs("value")).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3a"})
  void parquetBatchesLandOnce(String scheme) {
    String path = base(scheme) + "/events";
    ParquetBatchSink sink = new ParquetBatchSink(path, "dt", "hour");
    assertThat(sink.write(rows("('a', 1), ('b', 2)"), new BatchId("q", 0))).isEqualTo(2);
    assertThat(sink.write(rows("('a', 1), ('b', 2)"), new BatchId("q", 0))).isZero();
    assertThat(sink.write(rows("('c', 3)"), new BatchId("q", 1))).isEqualTo(1);

    assertThat(keyValues(SparkTestSession.get().read().parquet(path))).containsExactly("a=1", "b=2", "c=3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3a"})
  void deltaAppendsSkipAReplayedBatchButNotANewCheckpoint(String scheme) {
    SparkSession spark = SparkTestSession.get();
    String path = base(scheme) + "/events";
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of(), "dt", "hour");
    String query = UUID.randomUUID().toString();

    assertThat(sink.write(rows("('a', 1), ('b', 2)"), new BatchId(query, 0))).isEqualTo(2);
    assertThat(sink.write(rows("('a', 1), ('b', 2)"), new BatchId(query, 0))).isZero();
    // a restarted job's new sink writes it again, Delta skips it, and the history says so
    assertThat(new DeltaBatchSink(path, List.of(), "dt", "hour").write(rows("('a', 1), ('b', 2)"),
        new BatchId(query, 0))).isZero();
    assertThat(sink.write(rows("('c', 3)"), new BatchId(query, 1))).isEqualTo(1);
    // a new checkpoint counts from 0 under a new query id
    assertThat(sink.write(rows("('d', 4)"), new BatchId(UUID.randomUUID().toString(), 0))).isEqualTo(1);

    assertThat(keyValues(spark.read().format("delta").load(path))).containsExactly("a=1", "b=2", "c=3", "d=4");
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
    assertThat(detail.getList(detail.fieldIndex("partitionColumns"))).containsExactly("dt", "hour");
    // compacted outside the batches (Housekeeping), not by the batch that crosses the file count
    assertThat(detail.getJavaMap(detail.fieldIndex("properties")))
        .containsEntry("delta.autoOptimize.optimizeWrite", "true")
        .containsEntry("delta.enableChangeDataFeed", "true") // the combine job reads which days changed
        .doesNotContainKey("delta.autoOptimize.autoCompact");
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3a"})
  void deltaMergesUpsertOnTheKeyAndSkipAReplayedBatch(String scheme) {
    SparkSession spark = SparkTestSession.get();
    String path = base(scheme) + "/window_stats";
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of("key"), "dt", "hour");
    String query = UUID.randomUUID().toString();

    sink.write(rows("('a', 1), ('b', 2)"), new BatchId(query, 0));
    assertThat(sink.write(rows("('b', 3), ('c', 4)"), new BatchId(query, 1))).isEqualTo(2);
    // the same batch id again, whatever it holds, is a replay
    assertThat(sink.write(rows("('b', 99)"), new BatchId(query, 1))).isZero();
    assertThat(new DeltaBatchSink(path, List.of("key"), "dt", "hour").write(rows("('b', 99)"), new BatchId(query, 1)))
        .isZero();

    assertThat(keyValues(spark.read().format("delta").load(path))).containsExactly("a=1", "b=3", "c=4");
    assertThat(spark.conf().getOption("spark.databricks.delta.write.txnAppId").isDefined()).isFalse();
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
    assertThat(detail.getJavaMap(detail.fieldIndex("properties")))
        .containsEntry("delta.autoOptimize.autoCompact", "true")
        .containsEntry("delta.enableChangeDataFeed", "true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3a"})
  void compactionMergesTheFilesOfClosedHoursOnlyAndChangesNoDay(String scheme) {
    SparkSession spark = SparkTestSession.get();
    String path = base(scheme) + "/events";
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of(), "dt", "hour");
    String query = UUID.randomUUID().toString();
    for (int batch = 0; batch < 3; batch++) { // a file per batch and hour
      sink.write(spark.sql("SELECT * FROM VALUES ('a" + batch + "', 1, '2026-03-01', '09'), ('b" + batch
          + "', 2, '2026-03-01', '10') AS t(key, value, dt, hour)"), new BatchId(query, batch));
    }
    long before = DeltaChanges.version(spark, path);

    long removed = DeltaCompaction.compactHoursBefore(spark, path, Instant.parse("2026-03-01T10:30:00Z"));

    assertThat(removed).isEqualTo(3);
    Dataset<Row> files = spark.read().format("delta").load(path).select(col("hour"), input_file_name().as("file"))
        .distinct().groupBy("hour").count().orderBy("hour");
    assertThat(files.collectAsList()).extracting(r -> r.getString(0) + ":" + r.getLong(1))
        .containsExactly("09:1", "10:3");
    assertThat(keyValues(spark.read().format("delta").load(path)))
        .containsExactly("a0=1", "a1=1", "a2=1", "b0=2", "b1=2", "b2=2");
    assertThat(DeltaChanges.changedDays(spark, path, before, DeltaChanges.version(spark, path))).isEmpty();
    // compact already: nothing to do the next time
    assertThat(DeltaCompaction.compactHoursBefore(spark, path, Instant.parse("2026-03-01T10:30:00Z"))).isZero();
  }

  /**
   * On the S3 test server: the job's compaction thread runs OPTIMIZE again and again while the stream
   * appends to the same partitions (so some OPTIMIZEs conflict and lose). Every appended row is there
   * exactly once, and the compaction did commit.
   */
  @org.junit.jupiter.api.Test
  void compactionBesideTheStreamsAppendsLosesAndDuplicatesNothing() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String path = base("s3a") + "/events";
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of(), "dt", "hour");
    String query = UUID.randomUUID().toString();
    List<String> expected = new java.util.ArrayList<>();
    try (Housekeeping compaction = Housekeeping.start(spark, "test", java.time.Duration.ofMillis(200),
        List.of(new Housekeeping.Task("compaction", () -> DeltaCompaction.compactHoursBefore(spark, path,
            java.time.Instant.now()))))) {
      for (int batch = 0; batch < 4; batch++) {
        sink.write(spark.sql("SELECT * FROM VALUES ('a" + batch + "', 1, '2026-03-01', '09'), ('b" + batch
            + "', 2, '2026-03-01', '10') AS t(key, value, dt, hour)"), new BatchId(query, batch));
        expected.addAll(List.of("a" + batch + "=1", "b" + batch + "=2"));
      }
      // no more appends: the next compaction cannot conflict
      await("a compaction commit").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> optimizeCommits(spark, path) > 0);
    }
    assertThat(keyValues(spark.read().format("delta").load(path)))
        .containsExactlyInAnyOrderElementsOf(expected);
    // each batch once in the log: a lost append would also have lost its transaction version
    assertThat(io.delta.tables.DeltaTable.forPath(spark, path).history().filter("operation = 'WRITE'").count())
        .isEqualTo(4);
  }

  private static long optimizeCommits(SparkSession spark, String path) {
    return io.delta.tables.DeltaTable.forPath(spark, path).history().filter("operation = 'OPTIMIZE'").count();
  }

  /**
   * VACUUM deletes what merges replaced once no version within the table's retention refers to it
   * (here a retention of zero, which Delta allows only with its safety check off), and the table reads
   * the same.
   */
  @org.junit.jupiter.api.Test
  void vacuumDeletesReplacedFilesAndKeepsTheRows() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String path = base("file") + "/windows";
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of("key"), "dt", "hour");
    String query = UUID.randomUUID().toString();
    sink.write(rows("('a', 1), ('b', 2)"), new BatchId(query, 0));
    sink.write(rows("('a', 3), ('b', 4)"), new BatchId(query, 1)); // a merge rewrites both rows' files
    spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('delta.deletedFileRetentionDuration' = 'interval 0 hours')");
    java.nio.file.Path dir = java.nio.file.Path.of(java.net.URI.create(path));
    long before = parquetFiles(dir);
    spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    try {
      DeltaCompaction.vacuum(spark, path);
    } finally {
      spark.conf().unset("spark.databricks.delta.retentionDurationCheck.enabled");
    }
    assertThat(parquetFiles(dir)).isLessThan(before);
    assertThat(keyValues(spark.read().format("delta").load(path))).containsExactly("a=3", "b=4");
    assertThat(io.delta.tables.DeltaTable.forPath(spark, path).history().filter("operation = 'VACUUM END'").count())
        .isEqualTo(1);
  }

  private static long parquetFiles(java.nio.file.Path dir) throws java.io.IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).count();
    }
  }
}
