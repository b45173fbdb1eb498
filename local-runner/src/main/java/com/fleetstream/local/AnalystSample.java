package com.fleetstream.local;

import com.fleetstream.sql.SqlScript;
import com.fleetstream.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Runs analyst queries from sql/postgres/queries as the read-only analyst role, and says how to run more. */
final class AnalystSample {
  private AnalystSample() {}

  static void print(PostgresServer postgres) throws SQLException {
    try (Connection admin = postgres.connect(); Statement s = admin.createStatement()) {
      s.execute("DROP ROLE IF EXISTS alice");
      s.execute("CREATE ROLE alice LOGIN IN ROLE analyst");
    }
    try (Connection c = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), "alice", "")) {
      System.out.println("\nAs role alice IN ROLE analyst, queries from sql/postgres/queries:");
      print(c, "top_idle_vehicles", "Top idle vehicles per day", 3);
      Timestamp from = Timestamp.from(Instant.EPOCH);
      Timestamp until = Timestamp.from(Instant.now().plus(Duration.ofDays(3650)));
      print(c, "longest_trips", "Longest trips", from, until, 5);
      print(c, "longest_stops", "Longest stops", from, until, 5);
    }
    howToAsk(postgres);
  }

  private static void print(Connection c, String query, String title, Object... params) throws SQLException {
    System.out.println("\n" + title + " (" + query + ".sql):");
    try (PreparedStatement ps = c.prepareStatement(SqlScript.load("sql/postgres/queries/" + query + ".sql").single())) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        StringBuilder header = new StringBuilder(" ");
        for (int i = 1; i <= n; i++) {
          header.append(' ').append(String.format("%-22s", rs.getMetaData().getColumnLabel(i)));
        }
        System.out.println(header.toString().stripTrailing());
        while (rs.next()) {
          StringBuilder line = new StringBuilder(" ");
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            line.append(' ').append(String.format("%-22s", v instanceof Timestamp t ? t.toInstant()
                : v instanceof Double d ? String.format(java.util.Locale.ROOT,
                    rs.getMetaData().getColumnLabel(i).endsWith("itude") ? "%.5f" : "%.2f", d) : v));
          }
          System.out.println(line.toString().stripTrailing());
        }
      }
    }
  }

  private static void howToAsk(PostgresServer postgres) {
    System.out.println("\nAsk PostgreSQL yourself (psql from Debian's postgresql-client; run with --keep-servers):\n"
        + "  psql -h 127.0.0.1 -p " + postgres.port() + " -U alice " + PostgresServer.DATABASE
        + " -c \"SELECT vehicle_id, event_time, latitude, longitude FROM fleet.vehicle_position_latest"
        + " ORDER BY vehicle_id LIMIT 5\"");
  }
}
