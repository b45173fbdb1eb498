package com.fleetstream.bench;

import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.postgres.PgConnectionSpec;
import com.fleetstream.jobs.sink.postgres.PostgresBatchSink;
import com.fleetstream.jobs.sink.postgres.PostgresSchema;
import com.fleetstream.jobs.sink.postgres.Retry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * 1M GPS fixes into fleet.vehicle_position_history: our sink (COPY per partition into staging, one
 * transaction moving them into history and latest position, ledger row) against Spark's JDBC writer
 * (batchsize 10000, reWriteBatchedInserts) doing plain INSERTs into the same table, same run.
 */
final class PostgresSinkBenchmark {
  private PostgresSinkBenchmark() {}

  static Results.Row run(SparkSession spark, PgConnectionSpec db, long rows) throws Exception {
    PostgresSchema.migrate(db);
    Dataset<Row> fixes = spark.range(rows).selectExpr(
            "concat('truck-', lpad(CAST(id % 500 AS STRING), 3, '0')) AS vehicle_id",
            "concat('e-', id) AS event_id",
            "timestamp_seconds(1772323200 + CAST(id / 500 AS BIGINT)) AS event_time",
            "48 + rand(1) AS latitude", "2 + rand(2) AS longitude", "rand(3) * 100 AS speed_kmh",
            "rand(4) * 360 AS heading", "CAST(NULL AS DOUBLE) AS altitude_m", "5.0 AS accuracy_m",
            "rand(5) * 100 AS fuel_level_pct", "'running' AS engine_status",
            "timestamp_seconds(1772323200 + CAST(id / 500 AS BIGINT)) AS arrival_time")
        .repartition(4).persist(StorageLevel.MEMORY_ONLY());
    fixes.count();

    truncate(db);
    PostgresBatchSink sink = new PostgresBatchSink(db, "location_events", new Retry(1, Duration.ofSeconds(1)),
        UnaryOperator.identity());
    long t0 = System.nanoTime();
    sink.write(fixes, new BatchId(UUID.randomUUID().toString(), 0));
    double ours = rows / seconds(t0);

    truncate(db);
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute("SELECT fleet.ensure_history_partitions('2026-03-01T00:00:00Z', '2026-03-01T23:59:59Z')");
    }
    Properties p = new Properties();
    p.setProperty("user", db.user());
    p.setProperty("batchsize", "10000");
    p.setProperty("reWriteBatchedInserts", "true");
    long t1 = System.nanoTime();
    fixes.write().mode(SaveMode.Append).jdbc(db.jdbcUrl() + "?reWriteBatchedInserts=true",
        "fleet.vehicle_position_history", p);
    double jdbc = rows / seconds(t1);
    fixes.unpersist();
    return new Results.Row("postgres sink: 1M fixes -> history (+latest, ledger)", ours, jdbc,
        "rows/s", "Spark df.write().jdbc(), batchsize 10000, reWriteBatchedInserts, INSERT only");
  }

  private static void truncate(PgConnectionSpec db) throws Exception {
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE fleet.vehicle_position_history, fleet.vehicle_position_latest, fleet.batch_ledger");
    }
  }

  static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
