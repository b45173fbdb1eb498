package com.fleetstream.jobs.sink.postgres;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
 * Runs on an executor: streams one Spark partition into the query's staging table with COPY (CSV),
 * after removing rows an earlier attempt of the same task may have left there.
 */
final class CopyPartition implements ForeachPartitionFunction<Row> {
  private static final int BUFFER = 1 << 16;

  private final PgConnectionSpec db;
  private final String stagingTable;
  private final List<String> columns;

  CopyPartition(PgConnectionSpec db, String stagingTable, List<String> columns) {
    this.db = db;
    this.stagingTable = stagingTable;
    this.columns = columns;
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
      String copy = "COPY " + stagingTable + " (" + String.join(", ", columns) + ", spark_partition) FROM STDIN WITH (FORMAT csv)";
      String tail = "," + partition + "\n";
      try (Writer out = new BufferedWriter(new OutputStreamWriter(
          new PGCopyOutputStream(c.unwrap(PGConnection.class), copy, BUFFER), StandardCharsets.UTF_8), BUFFER)) {
        while (rows.hasNext()) {
          Row row = rows.next();
          for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
              out.write(',');
            }
            writeCsv(out, row.get(i));
          }
          out.write(tail);
        }
      }
      c.commit();
    }
  }

  /** CSV as COPY reads it: an unquoted empty field is NULL, a quoted one is the empty string. */
  static void writeCsv(Writer out, Object value) throws IOException {
    if (value == null) {
      return;
    }
    String text;
    if (value instanceof Timestamp t) {
      text = t.toInstant().toString();
    } else if (value instanceof Instant i) {
      text = i.toString();
    } else if (value instanceof Number || value instanceof Boolean) {
      out.write(value.toString());
      return;
    } else {
      text = value.toString();
    }
    out.write('"');
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '"') {
        out.write('"');
      }
      out.write(ch);
    }
    out.write('"');
  }
}
