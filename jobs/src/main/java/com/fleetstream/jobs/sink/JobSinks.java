package com.fleetstream.jobs.sink;

import com.fleetstream.jobs.config.SinkConfig.Kind;
import com.fleetstream.jobs.config.SinkConfig;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.retry.Retry;
import com.fleetstream.jobs.sink.alerts.AlertPublisher;
import com.fleetstream.jobs.sink.postgres.PgConnectionSpec;
import com.fleetstream.jobs.sink.postgres.PostgresBatchSink;
import com.fleetstream.jobs.sink.postgres.PostgresCredentials;
import com.fleetstream.jobs.sink.postgres.PostgresSchema;
import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventValidation;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.jobs.transform.Quarantine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The sinks of one job's queries, as configured: Parquet under {@code OUTPUT_PATH/<job>/<table>},
 * Delta under {@code DELTA_PATH/<job>/<table>}, PostgreSQL through {@code sql/postgres/sinks/<job>_<query>.sql}.
 * Opening them resolves the database credentials and applies the migrations, so a bad password or
 * an unreachable server stops the job before it reads anything.
 */
public final class JobSinks {
  /** Events older than the watermark when they arrived, per job. */
  public static final String LATE_EVENTS = "late_events";
  public static final String ALERTS = "alerts";
  public static final String QUARANTINE = "quarantine";
  private final String job;
  private final StreamingConfig config;
  private final PgConnectionSpec postgres;
  private final Retry retry;
  private final List<String> appendOnlyDelta = new ArrayList<>();

  private JobSinks(String job, StreamingConfig config, PgConnectionSpec postgres, Retry retry) {
    this.job = job;
    this.config = config;
    this.postgres = postgres;
    this.retry = retry;
  }

  public static JobSinks open(String job, StreamingConfig config) {
    SinkConfig sinks = config.sinks();
    PgConnectionSpec db = null;
    Retry retry = null;
    if (sinks.postgres().isPresent()) {
      retry = new Retry(sinks.postgres().get().maxAttempts(), Duration.ofSeconds(1));
      db = PostgresCredentials.resolve(sinks.postgres().get());
      if (sinks.postgres().get().migrate()) {
        PgConnectionSpec target = db;
        retry.run("PostgreSQL migrations", () -> PostgresSchema.migrate(target));
      }
    }
    return new JobSinks(job, config, db, retry);
  }

  /** Upserts rows on {@code keys} where the sink can (Delta, PostgreSQL); Parquet appends final rows. */
  public List<BatchSink> upsert(String query, String table, List<String> keys) {
    return forQuery(query, table, keys);
  }

  /** The query's rows to {@code table} in the lake and through its SQL into PostgreSQL. */
  private List<BatchSink> forQuery(String query, String table, List<String> mergeKeys) {
    List<BatchSink> list = new ArrayList<>(lake(table, mergeKeys));
    if (postgres != null) {
      list.add(new PostgresBatchSink(postgres, job + "_" + query, retry, UnaryOperator.identity()));
    }
    return list;
  }

  /**
   * Sinks of the events query, whose rows are every record once ({@link Deduplication#keepingLate}):
   * invalid ones go to quarantine, on-time events to {@code table}, late ones to {@value #LATE_EVENTS}
   * (merged on the event id, as a late row is not deduplicated against earlier batches), all in the
   * lake; PostgreSQL takes the quarantine and every valid event into the same tables, which are keyed
   * on the event.
   *
   * @param postgresRows which of the valid events go to PostgreSQL (e.g. only threshold breaches)
   */
  public List<BatchSink> events(String table, UnaryOperator<Dataset<Row>> postgresRows) {
    List<BatchSink> list = new ArrayList<>();
    forQuery(QUARANTINE, QUARANTINE, List.of())
        .forEach(s -> list.add(s.onlyRows(rows -> Partitioning.byHourOf(Quarantine.records(rows), "arrival_time"))));
    lake(table, List.of()).forEach(s -> list.add(s.onlyRows(rows -> stored(Deduplication.onTime(rows)))));
    lake(LATE_EVENTS, List.of("event_id")).forEach(s -> list.add(s.onlyRows(rows -> stored(Deduplication.late(rows)))));
    if (postgres != null) {
      list.add(new PostgresBatchSink(postgres, job + "_events", retry,
          rows -> postgresRows.apply(EventValidation.valid(rows).drop(Deduplication.LATE))));
    }
    return list;
  }

  /** Events as the lake keeps them: partitioned by the hour of their event time, without the raw payload. */
  public static Dataset<Row> stored(Dataset<Row> events) {
    return Partitioning.byHourOf(events, "event_time").drop("payload");
  }

  private List<BatchSink> lake(String table, List<String> mergeKeys) {
    SinkConfig sinks = config.sinks();
    List<BatchSink> list = new ArrayList<>();
    if (sinks.writes(Kind.PARQUET)) {
      list.add(parquet(table));
    }
    if (sinks.writes(Kind.DELTA)) {
      String path = sinks.deltaPath() + "/" + job + "/" + table;
      list.add(new DeltaBatchSink(path, mergeKeys, Partitioning.COLUMNS));
      if (mergeKeys.isEmpty()) {
        appendOnlyDelta.add(path);
      }
    }
    return list;
  }

  /**
   * The job's Delta tables that are only appended to, for {@link DeltaCompactionSchedule}: their
   * only writers are this job's queries, so this driver is the only one to write them.
   */
  public List<String> appendOnlyDeltaTables() {
    return List.copyOf(appendOnlyDelta);
  }

  /**
   * Alerts: to the lake's {@value #ALERTS} table and PostgreSQL's {@code fleet.alerts}, then, with a
   * topic configured, published from there.
   */
  public List<BatchSink> alerts() {
    List<BatchSink> list = forQuery(ALERTS, ALERTS, List.of("alert_id"));
    if (postgres != null && config.alerts().topicArn().isPresent()) {
      list.add(new AlertPublisher(postgres, job, config.alerts(), retry));
    }
    return list;
  }

  /** A Parquet-only table of some of the query's rows, when Parquet is written at all. */
  public List<BatchSink> parquetOnly(String table, UnaryOperator<Dataset<Row>> rows) {
    return config.sinks().writes(Kind.PARQUET) ? List.of(parquet(table).onlyRows(rows)) : List.of();
  }

  private ParquetBatchSink parquet(String table) {
    return new ParquetBatchSink(config.outputPath() + "/" + job + "/" + table, Partitioning.COLUMNS);
  }
}
