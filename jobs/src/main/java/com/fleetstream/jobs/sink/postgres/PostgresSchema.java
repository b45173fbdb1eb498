package com.fleetstream.jobs.sink.postgres;

import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.postgres.SecretLogins;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the versioned migrations in {@code sql/postgres/migrations} (Flyway). */
public final class PostgresSchema {
  public static final String MIGRATIONS = "classpath:sql/postgres/migrations";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSchema.class);

  private PostgresSchema() {}

  public static MigrateResult migrate(PgConnectionSpec db) throws java.sql.SQLException {
    try (java.sql.Connection probe = db.open()) {
      // logs in as the spec does (a secret rotated since it was read is read again), so that Flyway,
      // which opens its own connections, is given the login that works now
    }
    SecretLogins.Login login = db.login();
    Flyway flyway = Flyway.configure(PostgresSchema.class.getClassLoader())
        .dataSource(db.jdbcUrl(), login.user(), login.password())
        .locations(MIGRATIONS)
        // two jobs starting together: Flyway's own lock lets one migrate and the other see it done
        .connectRetries(5)
        .load();
    MigrateResult result = flyway.migrate();
    LOG.info("PostgreSQL schema at version {} ({} migrations applied now)", flyway.info().current().getVersion(),
        result.migrationsExecuted);
    return result;
  }
}
