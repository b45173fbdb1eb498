package com.fleetstream.jobs;

import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The one PostgreSQL server of a test JVM; each test class takes a database of its own. */
public final class TestPostgres {
  private static PostgresServer server;

  private TestPostgres() {}

  public static synchronized PostgresServer server() {
    if (server == null) {
      try {
        Path dir = Files.createTempDirectory(Path.of("target"), "postgres-");
        server = PostgresServer.start(dir.toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  /** A fresh database; what the jobs would be given as PG_JDBC_URL / PG_USER. */
  public static PgConnectionSpec database(String name) {
    PostgresServer pg = server();
    pg.createDatabase(name);
    return new PgConnectionSpec(pg.jdbcUrl(name), PostgresServer.SUPERUSER, null);
  }

  /**
   * Makes the server check {@code role}'s password (SCRAM) from 127.0.0.1, as RDS checks every login;
   * the tests' superuser keeps the server's trust rule. Closing it restores the server's rules.
   */
  public static AutoCloseable passwordRequiredFor(String role) throws IOException, SQLException {
    Path hba;
    try (Connection c = server().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW hba_file")) {
      rs.next();
      hba = Path.of(rs.getString(1));
    }
    String before = Files.readString(hba);
    Files.writeString(hba, "host all " + role + " 127.0.0.1/32 scram-sha-256\n" + before);
    reloadConfig();
    return () -> {
      Files.writeString(hba, before);
      reloadConfig();
    };
  }

  private static void reloadConfig() throws SQLException {
    try (Connection c = server().connect(); Statement s = c.createStatement()) {
      s.execute("SELECT pg_reload_conf()");
    }
  }

  /** Runs statements as the server's superuser, in order. */
  public static void execute(PgConnectionSpec db, String... statements) {
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(String.join("; ", statements), e);
    }
  }

  /** Rows of a query as lists of column values, in the query's order. */
  public static List<List<Object>> rows(PgConnectionSpec db, String sql) {
    try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static List<List<Object>> rows(ResultSet rs) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      List<Object> row = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        row.add(rs.getObject(i));
      }
      rows.add(row);
    }
    return rows;
  }

  public static long count(PgConnectionSpec db, String sql) {
    return ((Number) rows(db, sql).get(0).get(0)).longValue();
  }
}
