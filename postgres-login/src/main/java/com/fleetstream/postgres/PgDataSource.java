package com.fleetstream.postgres;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link PgConnectionSpec} as a DataSource, for a pool to open its connections with: each new
 * connection logs in with the secret's current password, read again when PostgreSQL refuses it.
 */
public final class PgDataSource implements DataSource {
  private final PgConnectionSpec spec;
  private int loginTimeoutSeconds;

  public PgDataSource(PgConnectionSpec spec) {
    this.spec = spec;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return spec.open();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the login is the spec's (" + spec.jdbcUrl() + ")");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // the driver logs through java.util.logging
  }

  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeoutSeconds = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper of " + type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
