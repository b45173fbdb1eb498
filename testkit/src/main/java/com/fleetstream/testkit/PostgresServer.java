package com.fleetstream.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL 17 (zonky's embedded binaries from Maven Central) on 127.0.0.1 and a free port,
 * with its data in a directory of ours. Tests use a fresh directory; the local run keeps its one, so
 * what it wrote can be queried again.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String SUPERUSER = "postgres";
  public static final String DATABASE = "fleet";

  private final EmbeddedPostgres postgres;

  private PostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a server on {@code dataDir} (created and initialised when empty) and creates database {@value #DATABASE}. */
  public static PostgresServer start(Path dataDir) {
    return start(dataDir, FreePort.pick());
  }

  public static PostgresServer start(Path dataDir, int port) {
    return start(dataDir, port, 60);
  }

  /** @param maxConnections PostgreSQL's max_connections (a benchmark's 50 clients without a pool need more) */
  public static PostgresServer start(Path dataDir, int port, int maxConnections) {
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", Integer.toString(maxConnections))
          // test and local data; durability is not what these runs measure
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          // a 1M-row batch writes ~270 MB of WAL and ~250 MB of table and index: with the defaults (1GB,
          // 128MB) checkpoints ran every 25 s and the move evicted its own pages
          .setServerConfig("max_wal_size", "4GB")
          .setServerConfig("shared_buffers", "1GB")
          .start();
      PostgresServer server = new PostgresServer(pg);
      server.createDatabaseIfMissing();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * Turns TLS on (a reload, no restart), serving {@code certificates}' server certificate: clients
   * that ask for it (sslmode=verify-full) get it, the others may still connect in the clear.
   */
  public void enableTls(TestCertificates certificates) throws SQLException {
    enableTls(jdbcUrl(), SUPERUSER, certificates);
  }

  /** {@link #enableTls(TestCertificates)} on a server known by its URL and a superuser's name (trust login). */
  public static void enableTls(String jdbcUrl, String superuser, TestCertificates certificates) throws SQLException {
    java.util.function.Supplier<Connection> connect = () -> {
      try {
        return DriverManager.getConnection(jdbcUrl, superuser, superuser);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
    try (Connection c = connect.get(); java.sql.Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET ssl_cert_file = '" + certificates.serverCertificate().toAbsolutePath() + "'");
      s.execute("ALTER SYSTEM SET ssl_key_file = '" + certificates.serverKey().toAbsolutePath() + "'");
      s.execute("ALTER SYSTEM SET ssl = on");
      s.execute("SELECT pg_reload_conf()");
    }
    // the postmaster reloads on its own time: wait until new sessions see it
    long until = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Connection c = connect.get(); java.sql.Statement s = c.createStatement();
           java.sql.ResultSet rs = s.executeQuery("SHOW ssl")) {
        rs.next();
        if (rs.getString(1).equals("on") || System.nanoTime() > until) {
          return;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** A superuser connection to {@value #DATABASE}. */
  public Connection connect() throws SQLException {
    return connect(DATABASE);
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, SUPERUSER);
  }

  /** A database of its own, e.g. one per test class, so tests sharing a server cannot see each other's rows. */
  public String createDatabase(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("database name " + name);
    }
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + name);
      }
      return name;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
  }

  private void createDatabaseIfMissing() {
    createDatabase(DATABASE);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
