package com.fleetstream.jobs;

import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.LoopbackSns;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's servers: kinesalite of its own, a database of its own on the JVM's PostgreSQL and,
 * for alert tests, the SNS stand-in with one topic. Register with
 * {@code @RegisterExtension static final StreamServers servers = new StreamServers("db");}.
 */
public final class StreamServers implements BeforeAllCallback, AfterAllCallback {
  private final String database;
  private final Optional<String> topicArn;
  private KinesisEmulator kinesis;
  private PgConnectionSpec db;
  private LoopbackSns sns;

  public StreamServers(String database) {
    this.database = database;
    this.topicArn = Optional.empty();
  }

  /** With the SNS stand-in, serving {@code topicArn}. */
  public StreamServers(String database, String topicArn) {
    this.database = database;
    this.topicArn = Optional.of(topicArn);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    kinesis = KinesisEmulator.start();
    db = TestPostgres.database(database);
    sns = topicArn.map(LoopbackSns::new).orElse(null);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    kinesis.close();
    if (sns != null) {
      sns.close();
    }
  }

  public LoopbackSns sns() {
    if (sns == null) {
      throw new IllegalStateException("these servers have no SNS stand-in: construct them with a topic ARN");
    }
    return sns;
  }

  public KinesisEmulator kinesis() {
    return kinesis;
  }

  public PgConnectionSpec db() {
    return db;
  }
}
