package com.fleetstream.bench;

import com.fleetstream.jobs.retry.Retry;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.postgres.PostgresBatchSink;
import com.fleetstream.jobs.sink.postgres.PostgresSchema;
import com.fleetstream.postgres.PgConnectionSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
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

  static List<Results.Row> run(SparkSession spark, PgConnectionSpec db, long rows) throws Exception {
    PostgresSchema.migrate(db);
    // both sides once before they are timed, so neither pays for the JIT's warm-up or for the server's
    // first WAL segments (a new server creates them, later writes recycle them)
    Dataset<Row> fixes = fixes(spark, rows);
    ours(db, fixes);
    jdbc(db, fixes);
    double ours = rows / ours(db, fixes);
    double bytesPerRow = bytesPerHistoryRow(db);
    double jdbc = rows / jdbc(db, fixes);
    ceiling(db, fixes);
    double ceiling = rows / ceiling(db, fixes);
    fixes.unpersist();
    return List.of(
        new Results.Row("postgres sink: 1M fixes -> history (+latest, ledger)", ours, jdbc,
            "rows/s", "Spark df.write().jdbc(), batchsize 10000, reWriteBatchedInserts, INSERT only"),
        new Results.Row("postgres ceiling: parallel binary COPY into a table with history's key, no move", ceiling,
            jdbc, "rows/s", "the same JDBC writer"),
        new Results.Row("postgres: bytes per history row (table, indexes, TOAST)", bytesPerRow, Double.NaN, "B",
            "none (absolute)"));
  }

  /**
   * What a history row takes on disk as our sink wrote them: every partition's heap, indexes and TOAST
   * over the rows, after VACUUM (the free space map and visibility map a day's partition has too).
   * scripts/sizing.sh sizes the RDS storage from it.
   */
  private static double bytesPerHistoryRow(PgConnectionSpec db) throws Exception {
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute("VACUUM fleet.vehicle_position_history");
      try (var r = s.executeQuery(com.fleetstream.sql.SqlScript.load(
          "sql/postgres/queries/history_bytes_per_row.sql").single())) {
        r.next();
        return r.getDouble(1);
      }
    }
  }

  /**
   * Seconds the sink's COPY step alone takes into a logged table with the history table's primary key:
   * staging is that table ({@code sql/postgres/sinks/bench_copy_ceiling.sql} moves nothing).
   */
  private static double ceiling(PgConnectionSpec db, Dataset<Row> fixes) throws Exception {
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS fleet_staging.bench_copy_ceiling");
      s.execute("CREATE TABLE fleet_staging.bench_copy_ceiling (LIKE fleet.vehicle_position_history INCLUDING ALL,"
          + " spark_partition integer NOT NULL)");
    }
    return write(db, "bench_copy_ceiling", fixes);
  }

  private static Dataset<Row> fixes(SparkSession spark, long rows) {
    Dataset<Row> fixes = spark.range(rows).selectExpr(
            "concat('truck-', lpad(CAST(id % 500 AS STRING), 3, '0')) AS vehicle_id",
            "concat('e-', id) AS event_id",
            "timestamp_seconds(1772323200 + CAST(id / 500 AS BIGINT)) AS event_time",
            "48 + rand(1) AS latitude", "2 + rand(2) AS longitude", "rand(3) * 100 AS speed_kmh",
            "rand(4) * 360 AS heading", "CAST(NULL AS DOUBLE) AS altitude_m", "5.0 AS accuracy_m",
            "rand(5) * 100 AS fuel_level_pct", "'running' AS engine_status",
            "timestamp_seconds(1772323200 + CAST(id / 500 AS BIGINT)) AS arrival_time",
            "'fleetstream-location@1' AS contract", "false AS event_id_derived", "false AS event_time_from_arrival")
        .repartition(4).persist(StorageLevel.MEMORY_ONLY());
    fixes.count();
    return fixes;
  }

  /** Seconds our sink takes to write {@code fixes} as one batch into emptied tables. */
  private static double ours(PgConnectionSpec db, Dataset<Row> fixes) throws Exception {
    truncate(db);
    return write(db, "location_events", fixes);
  }

  /** Seconds our sink for {@code query} takes to write {@code fixes} as a new query's first batch. */
  private static double write(PgConnectionSpec db, String query, Dataset<Row> fixes) {
    PostgresBatchSink sink = new PostgresBatchSink(db, query, new Retry(1, Duration.ofSeconds(1)));
    long t0 = System.nanoTime();
    sink.write(fixes, new BatchId(UUID.randomUUID().toString(), 0));
    return seconds(t0);
  }

  /** Seconds Spark's JDBC writer takes to append {@code fixes} to the emptied history table. */
  private static double jdbc(PgConnectionSpec db, Dataset<Row> fixes) throws Exception {
    truncate(db);
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute("SELECT fleet.ensure_history_partitions(ARRAY[date '2026-03-01'])");
    }
    Properties p = new Properties();
    p.setProperty("user", db.user());
    p.setProperty("batchsize", "10000");
    p.setProperty("reWriteBatchedInserts", "true");
    long t0 = System.nanoTime();
    fixes.write().mode(SaveMode.Append).jdbc(db.jdbcUrl() + "?reWriteBatchedInserts=true",
        "fleet.vehicle_position_history", p);
    return seconds(t0);
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
