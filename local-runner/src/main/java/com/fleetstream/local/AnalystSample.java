package com.fleetstream.local;

import com.fleetstream.jobs.sink.postgres.SqlScript;
import com.fleetstream.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Runs an analyst query from sql/postgres/queries as the read-only analyst role, and says how to run more. */
final class AnalystSample {
  private AnalystSample() {}

  static void print(PostgresServer postgres) throws SQLException {
    try (Connection admin = postgres.connect(); Statement s = admin.createStatement()) {
      s.execute("DROP ROLE IF EXISTS alice");
      s.execute("CREATE ROLE alice LOGIN IN ROLE analyst");
    }
    String sql = SqlScript.load("sql/postgres/queries/top_idle_vehicles.sql").single();
    System.out.println("\nTop idle vehicles per day (sql/postgres/queries/top_idle_vehicles.sql, as role alice IN ROLE analyst):");
    try (Connection c = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), "alice", "");
         PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 3);
      try (ResultSet rs = ps.executeQuery()) {
        System.out.printf("  %-12s %-12s %12s %5s%n", "day", "vehicle_id", "idle_minutes", "rank");
        while (rs.next()) {
          System.out.printf("  %-12s %-12s %12.1f %5d%n", rs.getString(1), rs.getString(2), rs.getDouble(3),
              rs.getLong(4));
        }
      }
    }
    System.out.println("\nAsk PostgreSQL yourself (psql from Debian's postgresql-client; run with --keep-servers):\n"
        + "  psql -h 127.0.0.1 -p " + postgres.port() + " -U alice " + PostgresServer.DATABASE
        + " -c \"SELECT vehicle_id, event_time, latitude, longitude FROM fleet.vehicle_position_latest"
        + " ORDER BY vehicle_id LIMIT 5\"");
  }
}
