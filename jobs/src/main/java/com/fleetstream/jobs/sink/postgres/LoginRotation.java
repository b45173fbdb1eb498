package com.fleetstream.jobs.sink.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.postgres.SecretLogins;
import com.fleetstream.postgres.SecretLogins.Login;
import com.fleetstream.postgres.SecretRef;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The pipeline's own PostgreSQL logins, made and rotated with the administrator's (the RDS master
 * user's secret), so nothing else ever logs in as the administrator: the streaming jobs' writer and
 * the API's reader. The writer owns what the migrations
 * create (schemas {@code fleet} and {@code fleet_staging}, Flyway's history in {@code public}; objects
 * the administrator made before are handed over) and may create in the database and in {@code public},
 * nothing more: no CREATEROLE, no other database. The group roles its migrations grant to,
 * {@code analyst} and {@code api_reader}, are made here, where CREATEROLE is. The reader is a member
 * of {@code api_reader}: SELECT on the tables the API reads, under row-level security (migration V12).
 *
 * <p>A rotation sets the new password in PostgreSQL, then in the login's secret, the order RDS
 * rotates in: a job logging in between is refused, reads the secret again and waits for the new
 * password ({@link PgConnectionSpec}). If the secret cannot be written, the old password is set back.
 */
public final class LoginRotation {
  private static final Logger LOG = LoggerFactory.getLogger(LoginRotation.class);
  private static final String CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  static final int CONNECTION_LIMIT = 64;
  /** The API's Lambda: its reserved concurrency times its pool (Terraform keeps the product below this). */
  static final int READER_CONNECTION_LIMIT = 48;

  private LoginRotation() {}

  /** What a login may do, granted each time it is made or rotated. */
  @FunctionalInterface
  private interface Grants {
    void apply(Connection c, Statement s, String admin) throws SQLException;
  }

  /**
   * @param writerUser the login to make or rotate (checked to be a plain identifier)
   * @return what was done: "created" or "rotated"
   */
  public static String writer(String jdbcUrl, SecretRef admin, SecretRef writer, String writerUser,
      String sslRootCert) throws SQLException {
    return createOrRotate(jdbcUrl, admin, writer, writerUser, sslRootCert, (c, s, adminUser) -> {
      // both streaming jobs' drivers and COPY tasks, with room for a restart's overlap; the rest of
      // max_connections stays for analysts and the administrator
      s.execute("ALTER ROLE " + writerUser + " CONNECTION LIMIT " + CONNECTION_LIMIT);
      groupRoles(s);
      s.execute("DO $$ BEGIN EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO " + writerUser
          + "', current_database()); END $$");
      // Flyway keeps its history in public, where PostgreSQL 15 on lets only the owner create
      s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + writerUser);
      // on RDS the administrator is no superuser: it may hand objects to the writer only as its member
      s.execute("GRANT " + writerUser + " TO CURRENT_USER");
      handOver(c, adminUser, writerUser);
    });
  }

  /**
   * The API's login: a member of {@code api_reader}, connecting to this database only. Before
   * row-level security it was an {@code analyst}, who reads every row: that membership is revoked.
   *
   * @return what was done: "created" or "rotated"
   */
  public static String reader(String jdbcUrl, SecretRef admin, SecretRef reader, String readerUser,
      String sslRootCert) throws SQLException {
    return createOrRotate(jdbcUrl, admin, reader, readerUser, sslRootCert, (c, s, adminUser) -> {
      s.execute("ALTER ROLE " + readerUser + " CONNECTION LIMIT " + READER_CONNECTION_LIMIT);
      groupRoles(s);
      s.execute("DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO " + readerUser
          + "', current_database()); END $$");
      s.execute("GRANT api_reader TO " + readerUser);
      s.execute("DO $$ BEGIN IF pg_has_role('" + readerUser + "', 'analyst', 'MEMBER') THEN"
          + " REVOKE analyst FROM " + readerUser + "; END IF; END $$");
    });
  }

  private static void groupRoles(Statement s) throws SQLException {
    for (String role : new String[] {"analyst", "api_reader"}) {
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN"
          + " CREATE ROLE " + role + " NOLOGIN; END IF; END $$");
    }
  }

  private static String createOrRotate(String jdbcUrl, SecretRef admin, SecretRef secret, String user,
      String sslRootCert, Grants grants) throws SQLException {
    if (!user.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain PostgreSQL role name: " + user);
    }
    Login adminLogin = SecretLogins.read(admin);
    Optional<String> previous = currentPassword(secret);
    String password = newPassword();
    String done;
    PgConnectionSpec db = new PgConnectionSpec(jdbcUrl, adminLogin.user(), adminLogin.password())
        .withSslRootCert(sslRootCert);
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      boolean exists;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          exists = rs.next();
        }
      }
      done = exists ? "rotated" : "created";
      if (!exists) {
        s.execute("CREATE ROLE " + user + " LOGIN");
      }
      grants.apply(c, s, adminLogin.user());
      c.unwrap(PGConnection.class).alterUserPassword(user, password.toCharArray(), "scram-sha-256");
    }
    try {
      putSecret(secret, jdbcUrl, user, password);
    } catch (RuntimeException e) {
      if (previous.isPresent()) {
        try (Connection c = db.open()) {
          c.unwrap(PGConnection.class).alterUserPassword(user, previous.get().toCharArray(), "scram-sha-256");
        }
        LOG.error("the secret {} could not be written; {}'s password is set back", secret.id(), user);
      }
      throw e;
    }
    LOG.info("PostgreSQL login {} {}; its password is in secret {}", user, done, secret.id());
    return done;
  }

  /** The objects of the pipeline's schemas the administrator owns (made by a release before this), to the writer. */
  private static void handOver(Connection c, String admin, String writer) throws SQLException {
    List<String> statements = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                 ELSE 'TABLE' END || ' ' || format('%I.%I', n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE pg_get_userbyid(c.relowner) = ? AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
          AND (n.nspname IN ('fleet', 'fleet_staging') OR (n.nspname = 'public' AND c.relname = 'flyway_schema_history'))
        UNION ALL
        SELECT 'SCHEMA ' || format('%I', nspname) FROM pg_namespace
        WHERE nspname IN ('fleet', 'fleet_staging') AND pg_get_userbyid(nspowner) = ?
        UNION ALL
        SELECT 'FUNCTION ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'fleet' AND pg_get_userbyid(p.proowner) = ?""")) {
      ps.setString(1, admin);
      ps.setString(2, admin);
      ps.setString(3, admin);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          statements.add("ALTER " + rs.getString(1) + " OWNER TO " + writer);
        }
      }
    }
    try (Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
    if (!statements.isEmpty()) {
      LOG.info("handed {} objects of {} over to {}", statements.size(), admin, writer);
    }
  }

  private static Optional<String> currentPassword(SecretRef secret) {
    try {
      return Optional.of(SecretLogins.read(secret).password());
    } catch (ResourceNotFoundException e) {
      return Optional.empty(); // a secret Terraform made without a value: the first run
    }
  }

  private static void putSecret(SecretRef secret, String jdbcUrl, String user, String password) {
    URI db = URI.create(jdbcUrl.substring("jdbc:".length()));
    Map<String, Object> value = new LinkedHashMap<>();
    // the fields RDS's own secrets and rotation functions use
    value.put("engine", "postgres");
    value.put("host", db.getHost());
    value.put("port", db.getPort() < 0 ? 5432 : db.getPort());
    value.put("dbname", db.getPath().replaceFirst("^/", ""));
    value.put("username", user);
    value.put("password", password);
    try (SecretsManagerClient client = SecretLogins.client(secret)) {
      String json = new ObjectMapper().writeValueAsString(value);
      client.putSecretValue(b -> b.secretId(secret.id()).secretString(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String newPassword() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      b.append(CHARS.charAt(RANDOM.nextInt(CHARS.length())));
    }
    return b.toString();
  }
}
