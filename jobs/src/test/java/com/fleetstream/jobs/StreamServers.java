package com.fleetstream.jobs;

import com.fleetstream.jobs.sink.postgres.PgConnectionSpec;
import com.fleetstream.testkit.KinesisEmulator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's servers: kinesalite of its own, and a database of its own on the JVM's PostgreSQL.
 * Register with {@code @RegisterExtension static final StreamServers servers = new StreamServers("db");}.
 */
public final class StreamServers implements BeforeAllCallback, AfterAllCallback {
  private final String database;
  private KinesisEmulator kinesis;
  private PgConnectionSpec db;

  public StreamServers(String database) {
    this.database = database;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    kinesis = KinesisEmulator.start();
    db = TestPostgres.database(database);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    kinesis.close();
  }

  public KinesisEmulator kinesis() {
    return kinesis;
  }

  public PgConnectionSpec db() {
    return db;
  }
}
