package com.fleetstream.postgres;

import com.fleetstream.postgres.SecretLogins.Login;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to connect, shipped to executors with the COPY tasks; {@link #toString()} hides the password.
 * Every wait is bounded: {@code socketTimeout} for a server that stops answering, {@code lockTimeout}
 * for a lock another session holds (an analyst query, a migration); both fail the attempt with an
 * error the jobs' Retry takes as transient.
 *
 * <p>A login from a Secrets Manager secret ({@code secret} not null) survives the secret's rotation:
 * when PostgreSQL refuses the password, the secret is read again (in whichever JVM the connection is
 * opened) and the login retried, waiting out a rotation that has changed the password in PostgreSQL
 * but not yet in the secret.
 *
 * @param user the user and {@code password} as read at start (with a secret, {@link #open} uses the
 *     secret's current login)
 * @param sslRootCert PEM certificates of the CAs the server's certificate must chain to; with them
 *     every connection is TLS with the server's name checked ({@code sslmode=verify-full}), null: none
 * @param statementTimeout the sessions' own statement_timeout, zero for none: the server's bounds
 *     analysts' queries, and a batch's move in the jobs may take longer
 */
public record PgConnectionSpec(String jdbcUrl, String user, String password, Duration socketTimeout,
    Duration lockTimeout, SecretRef secret, String sslRootCert, Duration statementTimeout) implements Serializable {
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(PgConnectionSpec.class);
  /** invalid_password, invalid_authorization_specification */
  private static final Set<String> LOGIN_REFUSED = Set.of("28P01", "28000");
  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();
  /** A rotation sets the new password in PostgreSQL before it becomes the secret's current one: seconds. */
  private static final long[] REREAD_WAITS_MS = {0, 1_000, 2_000, 4_000, 8_000, 15_000};

  public PgConnectionSpec(String jdbcUrl, String user, String password) {
    this(jdbcUrl, user, password, DEFAULT_SOCKET_TIMEOUT, DEFAULT_LOCK_TIMEOUT, null, null, Duration.ZERO);
  }

  /** The secret's login, read now, so a missing or malformed secret fails here; read again when refused. */
  public static PgConnectionSpec fromSecret(String jdbcUrl, SecretRef secret) {
    Login login = SecretLogins.current(secret);
    return new PgConnectionSpec(jdbcUrl, login.user(), login.password(), DEFAULT_SOCKET_TIMEOUT, DEFAULT_LOCK_TIMEOUT,
        secret, null, Duration.ZERO);
  }

  /**
   * The secret's login, read when the first connection is opened: a secret without a value yet (the
   * API's, before the writer-login job fills it) fails that connection, not this call.
   */
  public static PgConnectionSpec fromSecretOnConnect(String jdbcUrl, SecretRef secret) {
    return new PgConnectionSpec(jdbcUrl, null, null, DEFAULT_SOCKET_TIMEOUT, DEFAULT_LOCK_TIMEOUT, secret, null,
        Duration.ZERO);
  }

  public PgConnectionSpec withTimeouts(Duration socket, Duration lock) {
    return new PgConnectionSpec(jdbcUrl, user, password, socket, lock, secret, sslRootCert, statementTimeout);
  }

  public PgConnectionSpec withSslRootCert(String pem) {
    return new PgConnectionSpec(jdbcUrl, user, password, socketTimeout, lockTimeout, secret, pem, statementTimeout);
  }

  public PgConnectionSpec withStatementTimeout(Duration timeout) {
    return new PgConnectionSpec(jdbcUrl, user, password, socketTimeout, lockTimeout, secret, sslRootCert, timeout);
  }

  /** The login {@link #open} tries first: the secret's as last read in this JVM, or the spec's own. */
  public Login login() {
    return secret == null ? new Login(user, password) : SecretLogins.current(secret);
  }

  public Connection open() throws SQLException {
    if (secret == null) {
      return connect(login());
    }
    Login login = SecretLogins.current(secret);
    try {
      return connect(login);
    } catch (SQLException refused) {
      if (!LOGIN_REFUSED.contains(refused.getSQLState())) {
        throw refused;
      }
      return reconnect(login, refused);
    }
  }

  private Connection reconnect(Login refusedLogin, SQLException refused) throws SQLException {
    for (long wait : REREAD_WAITS_MS) {
      sleep(wait);
      Login fresh = SecretLogins.reread(secret, refusedLogin);
      if (fresh.equals(refusedLogin)) {
        continue; // the secret still holds the refused password: a rotation under way
      }
      LOG.warn("PostgreSQL refused the login of {} (SQLSTATE {}); secret {} read again, logging in with it",
          refusedLogin.user(), refused.getSQLState(), secret.id());
      try {
        return connect(fresh);
      } catch (SQLException again) {
        if (!LOGIN_REFUSED.contains(again.getSQLState())) {
          throw again;
        }
        refusedLogin = fresh;
        refused = again;
      }
    }
    throw refused;
  }

  private static void sleep(long ms) throws SQLException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a rotated secret", "08000", e);
    }
  }

  private Connection connect(Login login) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", login.user());
    if (login.password() != null) {
      p.setProperty("password", login.password());
    }
    p.setProperty("ApplicationName", "fleetstream");
    // fail fast on a dead server so the retry and back-off decide, not a TCP timeout
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    p.setProperty("options", "-c lock_timeout=" + lockTimeout.toMillis() + " -c statement_timeout="
        + statementTimeout.toMillis());
    if (sslRootCert != null) {
      p.setProperty("sslmode", "verify-full");
      p.setProperty("sslrootcert", RootCertFile.of(sslRootCert).toString());
    }
    return connect(jdbcUrl, p);
  }

  /**
   * Through our own driver, never DriverManager's pick: on Glue the platform's PostgreSQL driver is on
   * the classpath too, and a connection of its classes cannot be unwrapped to ours (COPY, passwords).
   */
  private static Connection connect(String jdbcUrl, Properties p) throws SQLException {
    Connection c = DRIVER.connect(jdbcUrl, p);
    if (c == null) {
      throw new SQLException("not a PostgreSQL JDBC URL: " + jdbcUrl, "08001");
    }
    return c;
  }

  @Override
  public String toString() {
    return "PgConnectionSpec[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "<none>" : "<set>")
        + ", socketTimeout=" + socketTimeout + ", lockTimeout=" + lockTimeout
        + (secret == null ? "" : ", secret=" + secret.id()) + (sslRootCert == null ? "" : ", sslmode=verify-full") + "]";
  }
}
