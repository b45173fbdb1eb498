package com.fleetstream.jobs.combine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.runtime.SessionSettings;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.DeltaBatchSink;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The days a streams' table changed, from its change data feed, as the combine job asks for them. */
class DeltaChangesIT {
  private final SparkSession spark = SparkTestSession.get();
  private final String path = Path.of("target", "changes-" + UUID.randomUUID()).toAbsolutePath().toUri().toString();
  private final String query = UUID.randomUUID().toString();

  private Dataset<Row> rows(String values) {
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(key, value, dt)");
  }

  @Test
  void appendedDaysOnlyThoseOfTheNewCommits() {
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of(), "dt");
    assertThat(DeltaChanges.version(spark, path)).isEqualTo(-1);
    sink.write(rows("('a', 1, '2026-03-01'), ('b', 2, '2026-03-02')"), new BatchId(query, 0));
    long first = DeltaChanges.version(spark, path);
    sink.write(rows("('c', 3, '2026-03-03')"), new BatchId(query, 1));
    sink.write(rows("('d', 4, '2026-03-02')"), new BatchId(query, 2));
    long last = DeltaChanges.version(spark, path);

    assertThat(DeltaChanges.changedDays(spark, path, -1, last)).containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
    assertThat(DeltaChanges.changedDays(spark, path, first, last)).containsExactly("2026-03-02", "2026-03-03");
    assertThat(DeltaChanges.changedDays(spark, path, first, first + 1)).containsExactly("2026-03-03");
    assertThat(DeltaChanges.changedDays(spark, path, last, last)).isEmpty();
    // the version a run recorded is what it reads, whatever came after
    assertThat(DeltaChanges.asOf(spark, path, first).orderBy("key").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("a", "b");
  }

  @Test
  void aMergeChangesTheDaysOfTheRowsItUpdatesOrInserts() {
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of("key"), "dt");
    sink.write(rows("('a', 1, '2026-03-01'), ('b', 2, '2026-03-02'), ('c', 3, '2026-03-03')"), new BatchId(query, 0));
    long before = DeltaChanges.version(spark, path);
    sink.write(rows("('b', 20, '2026-03-02'), ('e', 5, '2026-03-05')"), new BatchId(query, 1));

    assertThat(DeltaChanges.changedDays(spark, path, before, DeltaChanges.version(spark, path)))
        .containsExactly("2026-03-02", "2026-03-05");
  }

  @Test
  void aTableWithoutTheFeedHasEveryDayChanged() {
    rows("('a', 1, '2026-03-01'), ('b', 2, '2026-03-02')").write().format("delta").partitionBy("dt").save(path);
    rows("('c', 3, '2026-03-03')").write().format("delta").mode("append").partitionBy("dt").save(path);

    assertThat(DeltaChanges.changedDays(spark, path, 0, 1)).containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
  }

  @Test
  void commitsWhoseLogWasCleanedUpHaveEveryDayChanged() throws IOException {
    DeltaBatchSink sink = new DeltaBatchSink(path, List.of(), "dt");
    // a checkpoint every two commits (the table's property), so that a few commits have one
    SessionSettings.with(spark, "spark.databricks.delta.properties.defaults.checkpointInterval", "2", () -> {
      for (int b = 0; b < 6; b++) {
        sink.write(rows("('k" + b + "', " + b + ", '2026-03-0" + (b % 3 + 1) + "')"), new BatchId(query, b));
      }
      return null;
    });
    long last = DeltaChanges.version(spark, path);
    // as Delta's log cleanup leaves it: the commits before the checkpoint at version 4 gone
    Path log = Path.of(URI.create(path)).resolve("_delta_log");
    for (int v = 0; v < 4; v++) {
      Files.delete(log.resolve(String.format("%020d.json", v)));
    }
    assertThat(spark.read().format("delta").load(path).count()).isEqualTo(6);

    assertThat(DeltaChanges.changedDays(spark, path, 2, last)).containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
    assertThat(DeltaChanges.changedDays(spark, path, last - 1, last)).containsExactly("2026-03-03");
  }
}
