package com.fleetstream.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetBatchSinkIT {
  @TempDir
  Path dir;

  private Dataset<Row> rows(int from, int to) {
    SparkSession spark = SparkTestSession.get();
    return spark.range(from, to).selectExpr("id", "CAST(id % 2 AS STRING) AS dt", "'00' AS hour").repartition(3);
  }

  private List<Long> ids() {
    return SparkTestSession.get().read().parquet(dir.toUri().toString()).orderBy("id")
        .collectAsList().stream().map(r -> r.<Long>getAs("id")).toList();
  }

  @Test
  void aReplayedBatchChangesNothing() throws Exception {
    ParquetBatchSink sink = new ParquetBatchSink(dir.toUri().toString(), "dt", "hour");
    assertThat(sink.write(rows(0, 10), new BatchId("q1", 0))).isEqualTo(10);
    assertThat(sink.write(rows(10, 14), new BatchId("q1", 1))).isEqualTo(4);
    List<Path> filesBefore = parquetFiles();

    assertThat(sink.write(rows(10, 14), new BatchId("q1", 1))).isZero();

    assertThat(ids()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
    assertThat(parquetFiles()).isEqualTo(filesBefore);
    assertThat(filesBefore).allSatisfy(p -> assertThat(p.getFileName().toString()).startsWith("part-q1-"));
  }

  @Test
  void aBatchThatDiedHalfWayIsRedoneWithoutLeftovers() throws Exception {
    ParquetBatchSink sink = new ParquetBatchSink(dir.toUri().toString(), "dt", "hour");
    sink.write(rows(0, 6), new BatchId("q1", 0));
    // what a crash after moving the files but before the commit marker leaves behind
    Files.delete(dir.resolve("_batches/q1/0.committed"));
    Files.writeString(dir.resolve("_batches/q1/0.pending"), String.join("\n",
        parquetFiles().stream().map(p -> p.toUri().toString()).toList()));

    assertThat(sink.write(rows(0, 6), new BatchId("q1", 0))).isEqualTo(6);

    assertThat(ids()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(dir.resolve("_batches/q1/0.pending")).doesNotExist();
  }

  @Test
  void aNewCheckpointIsANewQueryIdSoItsBatchZeroIsWritten() {
    ParquetBatchSink sink = new ParquetBatchSink(dir.toUri().toString(), "dt", "hour");
    sink.write(rows(0, 2), new BatchId("old-query", 0));
    assertThat(sink.write(rows(2, 4), new BatchId("new-query", 0))).isEqualTo(2);
    assertThat(ids()).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void onlyRowsFiltersWhatIsWritten() {
    BatchSink sink = new ParquetBatchSink(dir.toUri().toString(), "dt", "hour")
        .onlyRows(batch -> batch.filter("id >= 3"));
    assertThat(sink.write(rows(0, 5), new BatchId("q", 0))).isEqualTo(2);
    assertThat(ids()).containsExactly(3L, 4L);
    assertThat(sink.name()).isEqualTo(dir.getFileName().toString());
  }

  private List<Path> parquetFiles() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("/_")).sorted().toList();
    }
  }
}
