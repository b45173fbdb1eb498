package com.fleetstream.jobs.sink.postgres;

import com.fleetstream.jobs.retry.Retry;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * How to connect, shipped to executors with the COPY tasks; {@link #toString()} hides the password.
 * Every wait is bounded: {@code socketTimeout} for a server that stops answering, {@code lockTimeout}
 * for a lock another session holds (an analyst query, a migration); both fail the attempt with an
 * error {@link Retry} takes as transient.
 */
public record PgConnectionSpec(String jdbcUrl, String user, String password, Duration socketTimeout,
    Duration lockTimeout) implements Serializable {
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

  public PgConnectionSpec(String jdbcUrl, String user, String password) {
    this(jdbcUrl, user, password, DEFAULT_SOCKET_TIMEOUT, DEFAULT_LOCK_TIMEOUT);
  }

  public PgConnectionSpec withTimeouts(Duration socket, Duration lock) {
    return new PgConnectionSpec(jdbcUrl, user, password, socket, lock);
  }

  public Connection open() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "fleetstream");
    // fail fast on a dead server so the retry and back-off decide, not a TCP timeout
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    p.setProperty("options", "-c lock_timeout=" + lockTimeout.toMillis());
    return DriverManager.getConnection(jdbcUrl, p);
  }

  @Override
  public String toString() {
    return "PgConnectionSpec[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "<none>" : "<set>")
        + ", socketTimeout=" + socketTimeout + ", lockTimeout=" + lockTimeout + "]";
  }
}
