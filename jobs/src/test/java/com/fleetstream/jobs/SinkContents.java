package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.trips.TripsAndStops;
import com.fleetstream.postgres.PgConnectionSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** What the three sinks hold, read back with Spark, and the assertion that they hold the same rows. */
public final class SinkContents {
  private final SparkSession spark;
  private final String parquetPath;
  private final String deltaPath;
  private final PgConnectionSpec db;

  public SinkContents(SparkSession spark, String parquetPath, String deltaPath, PgConnectionSpec db) {
    this.spark = spark;
    this.parquetPath = parquetPath;
    this.deltaPath = deltaPath;
    this.db = db;
  }

  public Dataset<Row> parquet(String job, String table) {
    return spark.read().parquet(parquetPath + "/" + job + "/" + table);
  }

  public Dataset<Row> delta(String job, String table) {
    return spark.read().format("delta").load(deltaPath + "/" + job + "/" + table);
  }

  public Dataset<Row> postgres(String table) {
    return spark.read().format("jdbc").option("url", db.jdbcUrl()).option("user", db.user())
        .option("dbtable", table).load();
  }

  /**
   * Each row of {@code columns} as one line, sorted: values joined by spaces, times as instants,
   * doubles to 6 places (what sums in another order may change is further down).
   */
  public static List<String> render(Dataset<Row> rows, String... columns) {
    List<String> out = new java.util.ArrayList<>();
    for (Row r : rows.selectExpr(columns).collectAsList()) {
      List<String> values = new java.util.ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        values.add(v instanceof java.sql.Timestamp t ? t.toInstant().toString()
            : v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.6f", d) : String.valueOf(v));
      }
      out.add(String.join(" ", values));
    }
    out.sort(java.util.Comparator.naturalOrder());
    return out;
  }

  /** The same multiset of rows over {@code columns}: nothing missing, nothing extra, nothing twice. */
  public static void assertSameRows(String what, Dataset<Row> expected, Dataset<Row> actual, String... columns) {
    Column[] cols = Arrays.stream(columns).map(functions::col).toArray(Column[]::new);
    Dataset<Row> e = expected.select(cols);
    Dataset<Row> a = actual.select(cols);
    List<Row> missing = e.exceptAll(a).limit(5).collectAsList();
    List<Row> extra = a.exceptAll(e).limit(5).collectAsList();
    assertThat(missing).as(what + ": rows missing").isEmpty();
    assertThat(extra).as(what + ": rows extra or repeated").isEmpty();
  }

  public static final String[] FIX_COLUMNS = {"vehicle_id", "event_id", "event_time", "latitude", "longitude",
      "speed_kmh", "heading", "altitude_m", "accuracy_m", "fuel_level_pct", "engine_status", "arrival_time"};
  public static final String[] VEHICLE_WINDOW_COLUMNS = {"vehicle_id", "window_start", "window_end", "fix_count",
      "distance_km", "avg_speed_kmh", "max_speed_kmh", "idle_minutes", "driving_minutes", "first_event_time",
      "first_latitude", "first_longitude", "last_event_time", "last_latitude", "last_longitude"};
  public static final String[] SENSOR_WINDOW_COLUMNS = {"sensor_id", "device_id", "metric", "unit", "window_start",
      "window_end", "reading_count", "min_value", "max_value", "avg_value", "breach_count"};
  public static final String[] BREACH_COLUMNS = {"sensor_id", "event_time", "event_id", "device_id", "vehicle_id",
      "metric", "value", "unit", "breach", "latitude", "longitude"};
  public static final String[] QUARANTINE_COLUMNS = {"stream_name", "sequence_number", "partition_key",
      "arrival_time", "reason", "payload"};

  /**
   * Parquet, Delta and PostgreSQL agree table by table for {@code job} ("location" or "sensor");
   * Parquet itself is checked against an independent computation by the caller.
   */
  public void assertSinksAgree(String job) {
    assertSameRows(job + " events: delta", parquet(job, "events"), delta(job, "events"),
        dataColumns(parquet(job, "events")));
    assertSameRows(job + " quarantine: delta", parquet(job, "quarantine"), delta(job, "quarantine"),
        QUARANTINE_COLUMNS);
    assertSameRows(job + " window_stats: delta", parquet(job, "window_stats"), delta(job, "window_stats"),
        dataColumns(parquet(job, "window_stats")));
    Dataset<Row> quarantine = parquet(job, "quarantine");
    Dataset<Row> streams = quarantine.select("stream_name").distinct();
    Dataset<Row> pg = postgres("fleet.quarantine");
    assertSameRows(job + " quarantine: postgres", quarantine,
        pg.join(streams, pg.col("stream_name").equalTo(streams.col("stream_name")), "left_semi"), QUARANTINE_COLUMNS);
    if (job.equals("location")) {
      assertSameRows("position history: postgres", parquet(job, "events"),
          postgres("fleet.vehicle_position_history"), FIX_COLUMNS);
      assertSameRows("vehicle windows: postgres", parquet(job, "window_stats"),
          postgres("fleet.vehicle_window_stats"), VEHICLE_WINDOW_COLUMNS);
      // trips and stops appear once a vehicle has stopped after a trip: TripsIT checks their exact rows
      for (String[] t : new String[][] {{"trips", "fleet.trips"}, {"stops", "fleet.stops"}}) {
        String[] columns = t[0].equals("trips") ? TripsAndStops.TRIP_COLUMNS : TripsAndStops.STOP_COLUMNS;
        if (exists(parquetPath + "/" + job + "/" + t[0])) {
          assertSameRows(t[0] + ": delta", parquet(job, t[0]), delta(job, t[0]), columns);
          assertSameRows(t[0] + ": postgres", parquet(job, t[0]), postgres(t[1]), columns);
        } else {
          assertThat(TestPostgres.count(db, "SELECT count(*) FROM " + t[1])).as(t[1]).isZero();
        }
      }
    } else {
      assertSameRows("sensor windows: postgres", parquet(job, "window_stats"),
          postgres("fleet.sensor_window_stats"), SENSOR_WINDOW_COLUMNS);
      assertSameRows("breaches: postgres", parquet(job, "breaches"),
          postgres("fleet.sensor_threshold_breaches"), BREACH_COLUMNS);
    }
  }

  private boolean exists(String uri) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** All but dt/hour, which Spark reads back from Parquet folder names as date and int. */
  private static String[] dataColumns(Dataset<Row> rows) {
    return Arrays.stream(rows.columns()).filter(c -> !c.equals("dt") && !c.equals("hour")).toArray(String[]::new);
  }

  /**
   * Every streaming query's batches are in the ledger once each, numbered from 0 without gaps, and
   * the rows they staged add up to what the reporting tables received.
   */
  public void assertLedgerHoldsEachBatchOnce(String... jobs) {
    List<List<Object>> perQuery = TestPostgres.rows(db, "SELECT job, count(*), count(DISTINCT batch_id),"
        + " max(batch_id) FROM fleet.batch_ledger GROUP BY job, query_id ORDER BY job");
    List<String> queries = new java.util.ArrayList<>();
    for (String job : jobs) {
      queries.addAll(List.of(job + "_events", job + "_quarantine", job + "_windows"));
      if (job.equals("location")) {
        queries.addAll(List.of("location_trips", "location_stops"));
      }
      if (job.equals("sensor")) {
        queries.add("sensor_alerts"); // the sensor job always watches its thresholds
      }
    }
    assertThat(perQuery).extracting(r -> r.get(0)).containsExactlyInAnyOrderElementsOf(queries);
    for (List<Object> q : perQuery) {
      assertThat(q.get(1)).as("batches of " + q.get(0)).isEqualTo(q.get(2));
      assertThat(((Number) q.get(3)).longValue() + 1).as("batch ids of " + q.get(0)).isEqualTo(q.get(1));
    }
    assertThat(TestPostgres.count(db, "SELECT sum((counts->>'staged')::bigint) FROM fleet.batch_ledger"
        + " WHERE job = 'location_events'")).isEqualTo(parquet("location", "events").count());
    assertThat(TestPostgres.count(db, "SELECT sum((counts->>'vehicle_position_history')::bigint)"
        + " FROM fleet.batch_ledger")).isEqualTo(TestPostgres.count(db,
            "SELECT count(*) FROM fleet.vehicle_position_history"));
  }
}
