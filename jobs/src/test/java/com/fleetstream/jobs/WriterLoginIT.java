package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.jobs.config.WriterLoginConfig;
import com.fleetstream.jobs.sink.postgres.PgConnectionSpec;
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
  static final LoopbackSecretsManager secrets = new LoopbackSecretsManager();
  static PgConnectionSpec db;
  static AutoCloseable passwordChecked;

  @BeforeAll
  static void server() throws Exception {
    db = TestPostgres.database("writer_login_test");
    passwordChecked = TestPostgres.passwordRequiredFor(USER);
    secrets.put(ADMIN, "{\"username\":\"" + db.user() + "\",\"password\":\"unused-with-trust\"}");
    secrets.declare(WRITER);
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
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", password);
    return DriverManager.getConnection(db.jdbcUrl(), p);
  }

  private static void sql(String statement) {
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(statement, e);
    }
  }
}
