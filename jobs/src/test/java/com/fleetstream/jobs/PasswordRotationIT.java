package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.testkit.LoopbackSecretsManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job logs in with a Secrets Manager secret, as on AWS, to a server that checks the password
 * (SCRAM for this role); the password is rotated as RDS rotates it (first in PostgreSQL, seconds
 * later in the secret) before a run and again during it. The job reads the secret again when
 * PostgreSQL refuses the password, waits out the seconds in between, and writes every fix once.
 */
class PasswordRotationIT {
  private static final String STREAM = "rotation-locations";
  private static final String ROLE = "rotating_writer";
  private static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fleet/writer-AbCdEf";
  private static final Instant START = Instant.parse("2026-03-04T10:00:00Z");

  @RegisterExtension
  static final StreamServers servers = new StreamServers("rotation_test");
  static final LoopbackSecretsManager secrets = new LoopbackSecretsManager();
  static AutoCloseable passwordChecked;

  @TempDir
  static Path work;

  @AfterAll
  static void restore() throws Exception {
    secrets.close();
    if (passwordChecked != null) {
      passwordChecked.close();
    }
  }

  @Test
  void aRotatedPasswordIsReadAgainAndNothingIsLostOrRepeated() throws Exception {
    servers.kinesis().createStream(STREAM, 1);
    sql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN CREATE ROLE " + ROLE
        + " LOGIN CREATEROLE; END IF; END $$");
    sql("ALTER ROLE " + ROLE + " PASSWORD 'first-password'");
    sql("ALTER DATABASE rotation_test OWNER TO " + ROLE);
    sql("ALTER SCHEMA public OWNER TO " + ROLE);
    passwordChecked = TestPostgres.passwordRequiredFor(ROLE);
    secrets.put(SECRET, login("first-password"));
    SparkSession spark = SparkTestSession.get();

    put(0, 20);
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args()));

    // rotated before the run: PostgreSQL has the new password, the secret gets it three seconds later;
    // rotated again while the run goes on
    put(20, 40);
    sql("ALTER ROLE " + ROLE + " PASSWORD 'second-password'");
    CompletableFuture<Void> rotation = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(3_000);
        secrets.put(SECRET, login("second-password"));
        Thread.sleep(5_000);
        sql("ALTER ROLE " + ROLE + " PASSWORD 'third-password'");
        put(40, 60);
        Thread.sleep(2_000);
        secrets.put(SECRET, login("third-password"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args()));
    rotation.join();
    LocationStreamingJob.run(spark, LocationJobConfig.parse(args())); // whatever the second run left

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      expected.add("fix-" + i);
    }
    assertThat(TestPostgres.rows(servers.db(), "SELECT event_id FROM fleet.vehicle_position_history")
        .stream().map(r -> (String) r.get(0)).toList()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(TestPostgres.count(servers.db(), "SELECT count(*) FROM pg_tables WHERE tableowner = '" + ROLE + "'"
        + " AND schemaname = 'fleet' AND tablename = 'vehicle_position_latest'")).isEqualTo(1);
    assertThat(secrets.requested()).as("the secret was read again after each rotation").hasSizeGreaterThanOrEqualTo(3);
  }

  private static String login(String password) {
    return "{\"username\":\"" + ROLE + "\",\"password\":\"" + password + "\"}";
  }

  private static void sql(String statement) {
    try (Connection c = servers.db().open(); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(statement, e);
    }
  }

  private static void put(int from, int to) {
    List<String> fixes = new ArrayList<>();
    for (int i = from; i < to; i++) {
      fixes.add(TestRecords.fix("fix-" + i, "v-rot", START.plusSeconds(30L * i).toString(), 52.5, 13.4, 30));
    }
    TestRecords.put(servers.kinesis(), STREAM, "v-rot", fixes);
  }

  private static String[] args() {
    List<String> args = TestJobArgs.withoutDelta(TestJobArgs.streaming(servers.kinesis(), STREAM, "1 hour", work,
        servers.db()));
    int user = args.indexOf("--PG_USER");
    args.remove(user + 1);
    args.remove(user);
    args.addAll(List.of("--PG_SECRET_ID", SECRET, "--SECRETS_MANAGER_ENDPOINT", secrets.endpoint().toString()));
    return args.toArray(String[]::new);
  }
}
