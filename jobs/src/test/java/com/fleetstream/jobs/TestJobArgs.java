package com.fleetstream.jobs;

import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.KinesisEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Glue-style arguments for a streaming job on the test's emulator, work folder and database. */
public final class TestJobArgs {
  public static final String MAX_EVENT_AGE_ARG = "3650 days";

  private TestJobArgs() {}

  public static List<String> streaming(KinesisEmulator kinesis, String stream, String window, Path work,
      PgConnectionSpec db) {
    return new ArrayList<>(List.of(
        "--JOB_NAME", "it", // Glue's own argument: tolerated
        "--STREAM_NAME", stream, "--KINESIS_ENDPOINT", kinesis.endpoint().toString(),
        "--KINESIS_ACCESS_KEY_ID", KinesisEmulator.ACCESS_KEY, "--KINESIS_SECRET_KEY", KinesisEmulator.SECRET_KEY,
        "--OUTPUT_PATH", work.resolve("out").toUri().toString(),
        "--CHECKPOINT_PATH", work.resolve("checkpoints").toUri().toString(),
        "--TRIGGER_INTERVAL", "1 second", "--WINDOW_DURATION", window, "--WINDOW_WATERMARK", "1 minute",
        "--DEDUP_WATERMARK", "10 minutes", "--STOP_WHEN_DRAINED", "true", "--MAX_RUN_SECONDS", "900",
        "--SHUFFLE_PARTITIONS", "2",
        // the tests' event times are fixed days of 2026, older than the default 30 days by now
        "--MAX_EVENT_AGE", MAX_EVENT_AGE_ARG,
        "--SINKS", "parquet,delta,postgres", "--PG_JDBC_URL", db.jdbcUrl(), "--PG_USER", db.user()));
  }

  /**
   * The lake's Parquet tables and PostgreSQL, without Delta: for a test that reads no Delta table.
   * Delta's commits are most of a small batch's time; the tests of the Delta sinks and those that
   * compare every sink keep them.
   */
  public static List<String> withoutDelta(List<String> args) {
    List<String> changed = new ArrayList<>(args);
    changed.set(changed.indexOf("--SINKS") + 1, "parquet,postgres");
    return changed;
  }

  /** Simulated traffic: 5 vehicles, some malformed and duplicated records, from {@code start} on. */
  public static SimulatorConfig simulation(KinesisEmulator kinesis, String locations, String sensors, Instant start,
      Duration duration, int seed) {
    return SimulatorConfig.parse(new String[] {
        "--endpoint", kinesis.endpoint().toString(), "--location-stream", locations, "--sensor-stream", sensors,
        "--vehicles", "5", "--duration-seconds", Long.toString(duration.toSeconds()),
        "--start-time", start.toString(), "--seed", Integer.toString(seed),
        "--malformed-rate", "0.02", "--duplicate-rate", "0.03"});
  }
}
