package com.fleetstream.jobs.sink.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.jobs.retry.Retry;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.sql.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming query's batches into PostgreSQL, exactly once per batch:
 * <ol>
 *   <li>a batch already in {@code fleet.batch_ledger} is skipped;</li>
 *   <li>every Spark partition COPYs its rows into the query's staging table, in parallel, sorted on the
 *       script's staging order (the target's primary key) so that the move inserts in key order
 *       without a sort on the server;</li>
 *   <li>one transaction runs the query's SQL file ({@code sql/postgres/sinks/<query>.sql}) to move
 *       the rows into the reporting tables and inserts the ledger row with the counts.</li>
 * </ol>
 * A crash anywhere before the commit leaves the reporting tables untouched; the replayed batch
 * starts again from an emptied staging table. The whole write is retried when the server is down.
 * Staging tables are UNLOGGED (no WAL for rows that live seconds), which PostgreSQL empties when it
 * recovers from a crash or fails over: the move therefore counts what staging holds, under a lock,
 * against what the batch COPYed, and a batch that lost rows (or gained a stray task's) is staged again.
 */
public final class PostgresBatchSink implements BatchSink {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresBatchSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SORT_MEMORY = "256MB";
  private static final String UNIQUE_VIOLATION = "23505";

  private final PgConnectionSpec db;
  private final String query;
  private final String stagingTable;
  private final SqlScript script;
  private final Retry retry;
  private List<String> columns;
  private List<CopyPartition.Type> types;

  /** @param query the streaming query, e.g. {@code location_events}: staging table and SQL file name */
  public PostgresBatchSink(PgConnectionSpec db, String query, Retry retry) {
    this.db = db;
    this.query = query;
    this.stagingTable = "fleet_staging." + query;
    this.script = SqlScript.load("sql/postgres/sinks/" + query + ".sql");
    this.retry = retry;
  }

  @Override
  public String name() {
    return "postgres:" + query;
  }

  /** After the batch's rows are committed, the alert publisher reads them from there. */
  @Override
  public String lane() {
    return "postgres";
  }

  @Override
  public long write(Dataset<Row> batch, long rows, BatchId id) {
    return retry.run(name() + " batch " + id, () -> writeOnce(batch, rows, id));
  }

  private long writeOnce(Dataset<Row> batch, long rows, BatchId id)
      throws SQLException, JsonProcessingException, Retry.Transient {
    long start = System.nanoTime();
    if (!stage(batch, rows, id)) {
      return 0;
    }
    long copied = System.nanoTime();
    long moved = move(rows, id);
    LOG.info("{} batch {}: COPY {} ms, move and commit {} ms", name(), id.batch(), (copied - start) / 1_000_000,
        (System.nanoTime() - copied) / 1_000_000);
    return moved;
  }

  /** COPYs the batch into staging; false when there is nothing to move (a batch committed before, or empty). */
  boolean stage(Dataset<Row> batch, long rows, BatchId id) throws SQLException, JsonProcessingException {
    try (Connection c = db.open()) {
      if (committed(c, id)) {
        LOG.info("{}: batch {} already committed, skipped", name(), id);
        return false;
      }
      if (rows == 0) { // most batches have no quarantine: the ledger row alone, no COPY and no move
        insertLedger(c, id, Map.of("staged", 0L));
        return false;
      }
      if (columns == null) {
        stagingColumns(c, batch);
      }
      try (Statement s = c.createStatement()) {
        s.execute("TRUNCATE " + stagingTable);
      }
    }
    Column[] selected = columns.stream().map(functions::col).toArray(Column[]::new);
    Dataset<Row> staged = batch.select(selected);
    if (!script.stagingOrder().isEmpty()) {
      staged = staged.sortWithinPartitions(script.stagingOrder().stream().map(functions::col).toArray(Column[]::new));
    }
    staged.foreachPartition(new CopyPartition(db, stagingTable, columns, types));
    return true;
  }

  /**
   * Moves the staged rows into the reporting tables with the ledger row, in one transaction, if
   * staging holds exactly the {@code rows} the batch COPYed.
   *
   * @throws Retry.Transient when it does not: the batch is to be staged again
   */
  long move(long rows, BatchId id) throws SQLException, JsonProcessingException, Retry.Transient {
    try (Connection c = db.open()) {
      c.setAutoCommit(false);
      long held = stagedRows(c);
      if (held != rows) {
        c.rollback();
        throw new Retry.Transient(stagingTable + " holds " + held + " of the " + rows + " rows batch " + id
            + " COPYed (PostgreSQL empties unlogged tables when it recovers from a crash or fails over); staging again");
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put("staged", rows);
      try (Statement s = c.createStatement()) {
        // the moves hash or sort a whole batch (latest position per vehicle, windows); keep that in memory
        s.execute("SET LOCAL work_mem = '" + SORT_MEMORY + "'");
        for (SqlScript.Statement statement : script.statements()) {
          counts.merge(statement.name(), execute(c, s, statement, id), Long::sum);
        }
      }
      if (!insertLedger(c, id, counts)) {
        c.rollback(); // committed meanwhile by another writer: keep theirs
        return 0;
      }
      c.commit();
      LOG.info("{} batch {}: {}", name(), id.batch(), counts);
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("TRUNCATE " + stagingTable);
      }
      return counts.get("staged");
    }
  }

  /**
   * Runs a statement; one with an alternative for duplicate keys runs in a savepoint, and the
   * alternative (e.g. the same INSERT with ON CONFLICT DO NOTHING) replaces it on a duplicate. Plain
   * INSERT is the fast path: ON CONFLICT probes the index before every row and confirms each insert
   * (2 s of a 1M-row history insert's 6.5 s), to absorb duplicates that only a record repeated beyond
   * the deduplication watermark brings.
   */
  private long execute(Connection c, Statement s, SqlScript.Statement statement, BatchId id) throws SQLException {
    if (statement.onUniqueViolation() == null) {
      return execute(s, statement.sql());
    }
    Savepoint before = c.setSavepoint();
    try {
      long rows = execute(s, statement.sql());
      c.releaseSavepoint(before);
      return rows;
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback(before);
      LOG.info("{} batch {}: {} met rows already stored ({}); running its alternative", name(), id.batch(),
          statement.name(), e.getMessage());
      return execute(s, statement.onUniqueViolation());
    }
  }

  private static long execute(Statement s, String sql) throws SQLException {
    if (s.execute(sql)) {
      try (ResultSet rs = s.getResultSet()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
    return s.getUpdateCount();
  }

  /** Staging's rows, with inserts locked out until the move commits (a stray task of an earlier attempt COPYing late). */
  private long stagedRows(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE " + stagingTable + " IN SHARE MODE");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + stagingTable)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private boolean committed(Connection c, BatchId id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM fleet.batch_ledger WHERE job = ? AND query_id = ?::uuid AND batch_id = ?")) {
      ps.setString(1, query);
      ps.setString(2, id.queryId());
      ps.setLong(3, id.batch());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private boolean insertLedger(Connection c, BatchId id, Map<String, Long> counts)
      throws SQLException, JsonProcessingException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO fleet.batch_ledger (job, query_id, batch_id, counts) VALUES (?, ?::uuid, ?, ?::jsonb)"
            + " ON CONFLICT DO NOTHING")) {
      ps.setString(1, query);
      ps.setString(2, id.queryId());
      ps.setLong(3, id.batch());
      ps.setString(4, JSON.writeValueAsString(counts));
      return ps.executeUpdate() == 1;
    }
  }

  /** Reads the staging table's columns and types (from the migrations), all of which the batch must have. */
  private void stagingColumns(Connection c, Dataset<Row> batch) throws SQLException {
    List<String> names = new ArrayList<>();
    List<CopyPartition.Type> columnTypes = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
        + " WHERE table_schema = 'fleet_staging' AND table_name = ? AND column_name <> 'spark_partition'"
        + " ORDER BY ordinal_position")) {
      ps.setString(1, query);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
          columnTypes.add(CopyPartition.Type.of(rs.getString(2)));
        }
      }
    }
    if (names.isEmpty()) {
      throw new IllegalStateException(stagingTable + " does not exist: run the migrations (PG_MIGRATE=true)");
    }
    List<String> missing = new ArrayList<>(names);
    missing.removeAll(Arrays.asList(batch.columns()));
    if (!missing.isEmpty()) {
      throw new IllegalStateException(stagingTable + " expects columns the batch lacks: " + missing);
    }
    types = List.copyOf(columnTypes);
    columns = List.copyOf(names);
  }
}
