package com.fleetstream.jobs.sink.postgres;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** How to connect, shipped to executors with the COPY tasks; {@link #toString()} hides the password. */
public record PgConnectionSpec(String jdbcUrl, String user, String password) implements Serializable {

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
    return DriverManager.getConnection(jdbcUrl, p);
  }

  @Override
  public String toString() {
    return "PgConnectionSpec[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "<none>" : "<set>")
        + "]";
  }
}
