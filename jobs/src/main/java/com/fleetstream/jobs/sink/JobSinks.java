package com.fleetstream.jobs.sink;

import com.fleetstream.jobs.config.SinkConfig;
import com.fleetstream.jobs.config.SinkConfig.Kind;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.retry.Retry;
import com.fleetstream.jobs.sink.alerts.AlertPublisher;
import com.fleetstream.jobs.sink.postgres.HistoryRetention;
import com.fleetstream.jobs.sink.postgres.PostgresBatchSink;
import com.fleetstream.jobs.sink.postgres.PostgresCredentials;
import com.fleetstream.jobs.sink.postgres.PostgresSchema;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.postgres.PgConnectionSpec;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The sinks a job's queries may write, as configured: Parquet under {@code OUTPUT_PATH/<job>/<table>},
 * Delta under {@code DELTA_PATH/<job>/<table>}, PostgreSQL through {@code sql/postgres/sinks/<job>_<query>.sql}.
 * Which rows of a batch each takes is the job's to say ({@link Sinks#taking}). Opening them resolves
 * the database credentials and applies the migrations, so a bad password or an unreachable server
 * stops the job before it reads anything.
 */
public final class JobSinks {
  /** Events older than the watermark when they arrived, per job. */
  public static final String LATE_EVENTS = "late_events";
  /** Valid events within the watermark when they arrived, per job. */
  public static final String EVENTS = "events";
  private static final List<String> LATE_EVENT_KEYS = List.of("event_id", "event_time");
  public static final String ALERTS = "alerts";
  public static final String QUARANTINE = "quarantine";
  private final String job;
  private final StreamingConfig config;
  private final PgConnectionSpec postgres;
  private final Retry retry;
  private final List<String> appendOnlyDelta = new ArrayList<>();
  private final List<String> delta = new ArrayList<>();

  private JobSinks(String job, StreamingConfig config, PgConnectionSpec postgres, Retry retry) {
    this.job = job;
    this.config = config;
    this.postgres = postgres;
    this.retry = retry;
  }

  public static JobSinks open(SparkSession spark, String job, StreamingConfig config) {
    SinkConfig sinks = config.sinks();
    PgConnectionSpec db = null;
    Retry retry = null;
    if (sinks.postgres().isPresent()) {
      retry = new Retry(sinks.postgres().get().maxAttempts(), Duration.ofSeconds(1));
      db = PostgresCredentials.resolve(sinks.postgres().get(), PostgresCredentials.rootCert(spark,
          sinks.postgres().get().sslRootCert()));
      if (sinks.postgres().get().migrate()) {
        PgConnectionSpec target = db;
        retry.run("PostgreSQL migrations", () -> PostgresSchema.migrate(target));
      }
    }
    return new JobSinks(job, config, db, retry);
  }

  /** {@code table} in the lake's formats (Parquet, Delta, as configured), appended to. */
  public Sinks lake(String table) {
    return lake(table, deltaSink(table, List.of(), false, null));
  }

  /**
   * The valid events in the lake's formats: {@code onTime} appended to {@link #EVENTS}, {@code late}
   * to {@link #LATE_EVENTS}. Late events are not deduplicated against earlier batches, so Delta
   * inserts only the late events it does not hold (an event sent again is the same event): both
   * tables' commits only add files, and they can be read as one stream ({@link #eventTables}). Delta
   * writes a batch's late events, then its on-time ones, in one lane: a query reading both tables,
   * the on-time first ({@link #eventTables}' order, which Spark asks for offsets in), never takes a
   * batch's on-time events without its late ones, which are older.
   */
  public Sinks events(UnaryOperator<Dataset<Row>> onTime, UnaryOperator<Dataset<Row>> late) {
    return Sinks.of(lake(LATE_EVENTS, lateEventsTable()).taking(late),
        lake(EVENTS, onTimeEventsTable()).taking(onTime));
  }

  /**
   * When Delta is a sink: the paths of the tables {@link #events} writes, on time first, created with
   * {@code schema} if they do not exist yet, for the queries that read the events query's output as
   * a stream instead of reading Kinesis again.
   */
  public Optional<List<String>> eventTables(SparkSession spark, StructType schema) {
    if (!config.sinks().writes(Kind.DELTA)) {
      return Optional.empty();
    }
    DeltaBatchSink onTime = onTimeEventsTable();
    DeltaBatchSink late = lateEventsTable();
    onTime.createIfAbsent(spark, schema);
    late.createIfAbsent(spark, schema);
    return Optional.of(List.of(onTime.path(), late.path()));
  }

  /**
   * {@code table} in the lake's formats, Delta merging each batch on {@code keys} (a row replayed or
   * emitted again replaces its earlier self); Parquet, which cannot merge, appends, so only queries
   * whose rows are final (windows past the watermark, alerts) or replays that Parquet's batch
   * directories absorb may use it.
   */
  public Sinks lakeMergedOn(String table, String... keys) {
    return lake(table, deltaSink(table, List.of(keys), false, null));
  }

  /** The query's rows through {@code sql/postgres/sinks/<job>_<query>.sql}, when PostgreSQL is a sink. */
  public Sinks postgres(String query) {
    return postgres == null ? Sinks.NONE
        : new Sinks(List.of(new PostgresBatchSink(postgres, job + "_" + query, retry)));
  }

  /** {@code table} in Parquet only, when Parquet is written at all. */
  public Sinks parquet(String table) {
    return config.sinks().writes(Kind.PARQUET) ? new Sinks(List.of(parquetSink(table))) : Sinks.NONE;
  }

  /**
   * Publishes the alerts {@code fleet.alerts} holds to SNS, when a topic is configured; it follows the
   * PostgreSQL alerts sink in its lane, the table being its outbox.
   */
  public Sinks alertPublisher() {
    return postgres != null && config.alerts().topicArn().isPresent()
        ? new Sinks(List.of(new AlertPublisher(postgres, job, config.alerts(), retry))) : Sinks.NONE;
  }

  /** @param deltaTable how Delta writes {@code table}, used when Delta is a sink */
  private Sinks lake(String table, DeltaBatchSink deltaTable) {
    SinkConfig sinks = config.sinks();
    List<BatchSink> list = new ArrayList<>();
    if (sinks.writes(Kind.PARQUET)) {
      list.add(parquetSink(table));
    }
    if (sinks.writes(Kind.DELTA)) {
      list.add(deltaTable);
      delta.add(deltaTable.path());
      if (deltaTable.appends()) {
        appendOnlyDelta.add(deltaTable.path());
      }
    }
    return new Sinks(list);
  }

  /** {@link #EVENTS} in Delta: appended to, after the late events in their lane ({@link #events}). */
  private DeltaBatchSink onTimeEventsTable() {
    return deltaSink(EVENTS, List.of(), false, DeltaBatchSink.MERGE_LANE);
  }

  /** {@link #LATE_EVENTS} in Delta: the events it does not hold inserted, none updated. */
  private DeltaBatchSink lateEventsTable() {
    return deltaSink(LATE_EVENTS, LATE_EVENT_KEYS, true, null);
  }

  private DeltaBatchSink deltaSink(String table, List<String> mergeKeys, boolean insertOnly, String lane) {
    return new DeltaBatchSink(config.sinks().deltaPath() + "/" + job + "/" + table, mergeKeys, insertOnly, lane,
        Partitioning.COLUMNS);
  }

  /**
   * The chores of the job's Delta tables, for {@link Housekeeping}: their only writers are this job's
   * queries, so this driver is the only one to write them. The tables only appended to are compacted
   * (hours closed at the time); all are vacuumed, daily.
   */
  public List<Housekeeping.Task> deltaHousekeeping(SparkSession spark) {
    List<Housekeeping.Task> tasks = new ArrayList<>();
    for (String path : appendOnlyDelta) {
      tasks.add(new Housekeeping.Task("compaction of " + path,
          () -> DeltaCompaction.compactHoursBefore(spark, path, Instant.now())));
    }
    for (String path : delta) {
      // VACUUM lists the whole table: once a day is enough for files kept 7 days anyway
      tasks.add(new Housekeeping.Task("VACUUM of " + path, Duration.ofDays(1), () -> DeltaCompaction.vacuum(spark, path)));
    }
    return tasks;
  }

  /**
   * Drops PostgreSQL's position history days older than {@code PG_HISTORY_RETENTION}, when PostgreSQL
   * is a sink (the location job's).
   */
  public List<Housekeeping.Task> historyRetention() {
    if (postgres == null) {
      return List.of();
    }
    Duration keep = config.historyRetention();
    return List.of(new Housekeeping.Task("history retention", () -> {
      try {
        HistoryRetention.dropDaysBefore(postgres, LocalDate.now(ZoneOffset.UTC).minusDays(keep.toDays()));
      } catch (SQLException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }));
  }

  private ParquetBatchSink parquetSink(String table) {
    return new ParquetBatchSink(config.outputPath() + "/" + job + "/" + table, Partitioning.COLUMNS);
  }
}
