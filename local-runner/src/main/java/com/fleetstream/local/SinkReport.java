package com.fleetstream.local;

import com.fleetstream.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Row counts of every output in each sink, side by side, so a gap shows at a glance. */
final class SinkReport {
  /**
   * output table, PostgreSQL count query ("" when the table has no PostgreSQL twin), taking the
   * table's stream name where it has a parameter
   */
  private static final String[][] TABLES = {
      {"location/events", "SELECT count(*) FROM fleet.vehicle_position_history"},
      {"location/quarantine", "SELECT count(*) FROM fleet.quarantine WHERE stream_name = ?"},
      {"location/window_stats", "SELECT count(*) FROM fleet.vehicle_window_stats"},
      {"location/trips", "SELECT count(*) FROM fleet.trips"},
      {"location/stops", "SELECT count(*) FROM fleet.stops"},
      {"sensor/events", ""},
      {"sensor/breaches", "SELECT count(*) FROM fleet.sensor_threshold_breaches"},
      {"sensor/quarantine", "SELECT count(*) FROM fleet.quarantine WHERE stream_name = ?"},
      {"sensor/window_stats", "SELECT count(*) FROM fleet.sensor_window_stats"},
  };

  private SinkReport() {}

  /** @param streams the stream names by job, {@code location} and {@code sensor} */
  static void print(SparkSession spark, String output, PostgresServer postgres, Map<String, String> streams)
      throws SQLException {
    System.out.printf("  %-22s %10s %10s %10s%n", "table", "parquet", "delta", "postgres");
    try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
      for (String[] t : TABLES) {
        String parquet = count(spark, output + "/" + t[0], "parquet");
        String delta = t[0].endsWith("breaches") ? "-" : count(spark, output + "/delta/" + t[0], "delta");
        String pg = "-";
        if (!t[1].isEmpty()) {
          try (PreparedStatement q = c.prepareStatement(t[1])) {
            if (q.getParameterMetaData().getParameterCount() > 0) {
              q.setString(1, streams.get(t[0].substring(0, t[0].indexOf('/'))));
            }
            try (ResultSet rs = q.executeQuery()) {
              rs.next();
              pg = Long.toString(rs.getLong(1));
            }
          }
        }
        System.out.printf("  %-22s %10s %10s %10s%n", t[0], parquet, delta, pg);
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM fleet.vehicle_position_latest")) {
        rs.next();
        System.out.printf("  %-22s %10s %10s %10d%n", "(latest positions)", "-", "-", rs.getLong(1));
      }
    }
  }

  private static String count(SparkSession spark, String path, String format) {
    try {
      if (!new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(new Path(path))) {
        return "0";
      }
      return Long.toString(spark.read().format(format).load(path).count());
    } catch (Exception e) {
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        return "0"; // nothing committed yet, e.g. no window closed
      }
      throw new IllegalStateException("counting " + path, e);
    }
  }
}
