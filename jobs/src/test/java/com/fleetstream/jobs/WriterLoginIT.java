package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.jobs.config.WriterLoginConfig;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.testkit.LoopbackSecretsManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The writer-login job against a PostgreSQL that checks the writer's password: the first run makes
 * the login, hands the administrator's objects over and fills the secret Terraform made empty; the
 * next rotates the password (the old one is refused); a secret that cannot be written leaves the
 * password as it was.
 */
class WriterLoginIT {
  private static final String ADMIN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf";
  private static final String WRITER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fleet/writer-GhIjKl";
  private static final String USER = "login_test_writer";
  private static final String WRITER_2 = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fleet/writer2-StUvWx";
  private static final String READER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fleet/api-MnOpQr";
  private static final String READER_USER = "login_test_reader";
  /** The reader's test has a database and writer of its own: the first test must find neither made. */
  private static final String READERS_WRITER = "login_test_writer_2";
  static final LoopbackSecretsManager secrets = new LoopbackSecretsManager();
  static PgConnectionSpec db;
  static AutoCloseable passwordChecked;

  @BeforeAll
  static void server() throws Exception {
    db = TestPostgres.database("writer_login_test");
    passwordChecked = TestPostgres.passwordRequiredFor(USER + "," + READERS_WRITER + "," + READER_USER);
    secrets.put(ADMIN, "{\"username\":\"" + db.user() + "\",\"password\":\"unused-with-trust\"}");
    secrets.declare(WRITER);
    secrets.declare(READER);
    secrets.declare(WRITER_2);
  }

  @AfterAll
  static void restore() throws Exception {
    secrets.close();
    passwordChecked.close();
  }

  @Test
  void makesTheLoginThenRotatesItAndKeepsTheOldPasswordWhenTheSecretCannotBeWritten() throws Exception {
    // a release before this one migrated as the administrator
    sql("CREATE SCHEMA fleet");
    sql("CREATE TABLE fleet.before_writer (id int)");

    assertThat(WriterLoginJob.run(config(), null)).isEqualTo("created");
    JsonNode first = new ObjectMapper().readTree(secrets.value(WRITER));
    assertThat(first.get("username").asText()).isEqualTo(USER);
    assertThat(first.get("dbname").asText()).isEqualTo("writer_login_test");
    assertThat(first.get("password").asText()).hasSize(40);
    assertThat(canLogIn(first.get("password").asText())).isTrue();
    assertThat(TestPostgres.rows(db, "SELECT rolconnlimit, rolcreaterole, rolsuper FROM pg_roles WHERE rolname = '"
        + USER + "'")).containsExactly(java.util.List.of(64, false, false));
    assertThat(TestPostgres.rows(db, "SELECT tableowner FROM pg_tables WHERE schemaname = 'fleet'"))
        .containsExactly(java.util.List.of(USER));
    // the writer may create in its database (the migrations), and roles it may not
    try (Connection c = login(first.get("password").asText()); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA fleet_staging");
      s.execute("CREATE TABLE public.flyway_like (id int)"); // Flyway's history lives in public
      assertThatThrownBy(() -> s.execute("CREATE ROLE intruder")).isInstanceOf(SQLException.class);
    }

    assertThat(WriterLoginJob.run(config(), null)).isEqualTo("rotated");
    String second = new ObjectMapper().readTree(secrets.value(WRITER)).get("password").asText();
    assertThat(second).isNotEqualTo(first.get("password").asText());
    assertThat(canLogIn(first.get("password").asText())).isFalse();
    assertThat(canLogIn(second)).isTrue();

    secrets.failNext("PutSecretValue", "InternalServiceError");
    assertThatThrownBy(() -> WriterLoginJob.run(config(), null)).hasStackTraceContaining("InternalServiceError");
    assertThat(new ObjectMapper().readTree(secrets.value(WRITER)).get("password").asText()).isEqualTo(second);
    assertThat(canLogIn(second)).as("the password the secret still holds").isTrue();
  }

  @Test
  void makesTheApisReadOnlyLoginBesideTheWritersAndRotatesBoth() throws Exception {
    PgConnectionSpec readersDb = TestPostgres.database("reader_login_test");
    WriterLoginConfig both = WriterLoginConfig.parse("--PG_JDBC_URL", readersDb.jdbcUrl(), "--PG_ADMIN_SECRET_ID", ADMIN,
        "--PG_SECRET_ID", WRITER_2, "--PG_WRITER_USER", READERS_WRITER, "--PG_READER_SECRET_ID", READER,
        "--PG_READER_USER", READER_USER, "--SECRETS_MANAGER_ENDPOINT", secrets.endpoint().toString());
    WriterLoginJob.run(both, null);
    String writerPassword = new ObjectMapper().readTree(secrets.value(WRITER_2)).get("password").asText();
    try (Connection c = login(readersDb, READERS_WRITER, writerPassword); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS fleet");
      s.execute("CREATE TABLE fleet.reported (id int)");
      s.execute("INSERT INTO fleet.reported VALUES (7)");
      s.execute("GRANT USAGE ON SCHEMA fleet TO api_reader");
      s.execute("GRANT SELECT ON fleet.reported TO api_reader"); // as the migrations grant
    }
    JsonNode reader = new ObjectMapper().readTree(secrets.value(READER));
    assertThat(reader.get("username").asText()).isEqualTo(READER_USER);
    String roles = "SELECT r.rolconnlimit, r.rolcreaterole, r.rolcreatedb, pg_has_role(r.rolname, 'api_reader', "
        + "'MEMBER'), pg_has_role(r.rolname, 'analyst', 'MEMBER') FROM pg_roles r WHERE r.rolname = '" + READER_USER + "'";
    // an analyst reads every row, past the API's row-level security: the reader is none
    assertThat(TestPostgres.rows(readersDb, roles)).containsExactly(java.util.List.of(48, false, false, true, false));
    try (Connection c = login(readersDb, READER_USER, reader.get("password").asText());
        Statement s = c.createStatement()) {
      try (var rs = s.executeQuery("SELECT id FROM fleet.reported")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(7);
      }
      assertThatThrownBy(() -> s.execute("INSERT INTO fleet.reported VALUES (8)")).isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.execute("CREATE TABLE fleet.mine (id int)")).isInstanceOf(SQLException.class);
    }

    // the reader of versions before row-level security was an analyst; a rotation takes that back
    TestPostgres.execute(readersDb, "GRANT analyst TO " + READER_USER);
    assertThat(WriterLoginJob.run(both, null)).isEqualTo("rotated, reader rotated");
    assertThat(TestPostgres.rows(readersDb, roles)).containsExactly(java.util.List.of(48, false, false, true, false));
    String rotated = new ObjectMapper().readTree(secrets.value(READER)).get("password").asText();
    assertThat(rotated).isNotEqualTo(reader.get("password").asText());
    assertThatThrownBy(() -> login(readersDb, READER_USER, reader.get("password").asText()).close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    login(readersDb, READER_USER, rotated).close();
  }

  private static WriterLoginConfig config() {
    return WriterLoginConfig.parse("--PG_JDBC_URL", db.jdbcUrl(), "--PG_ADMIN_SECRET_ID", ADMIN, "--PG_SECRET_ID", WRITER,
        "--PG_WRITER_USER", USER, "--SECRETS_MANAGER_ENDPOINT", secrets.endpoint().toString());
  }

  private static boolean canLogIn(String password) {
    try (Connection c = login(password)) {
      return c.isValid(5);
    } catch (SQLException e) {
      assertThat(e.getSQLState()).isEqualTo("28P01");
      return false;
    }
  }

  private static Connection login(String password) throws SQLException {
    return login(db, USER, password);
  }

  private static Connection login(PgConnectionSpec database, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return DriverManager.getConnection(database.jdbcUrl(), p);
  }

  private static void sql(String statement) {
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(statement, e);
    }
  }
}
