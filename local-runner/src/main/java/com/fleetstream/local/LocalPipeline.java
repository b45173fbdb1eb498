package com.fleetstream.local;

import com.fleetstream.crawlers.CrawlerDefinitions;
import com.fleetstream.crawlers.LocalCatalog;
import com.fleetstream.jobs.CombineJob;
import com.fleetstream.jobs.LocationStreamingJob;
import com.fleetstream.jobs.SensorStreamingJob;
import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.sink.postgres.SqlScript;
import com.fleetstream.notifier.Email;
import com.fleetstream.notifier.Manifest;
import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.LoopbackSns;
import com.fleetstream.testkit.PostgresServer;
import com.fleetstream.testkit.ProjectPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * README command 1: the whole pipeline on local stand-ins. Starts kinesalite, simulates two hours of
 * fleet and sensor traffic into it, runs both streaming jobs until the streams are drained, and
 * prints what landed where.
 *
 * <p>Flags: {@code --workdir DIR} (default ./local-run, wiped at start), {@code --keep-postgres}
 * (leave PostgreSQL running for psql until Ctrl-C) and any simulator flag ({@code --vehicles},
 * {@code --duration-seconds}, {@code --seed}, {@code --malformed-rate}, ...).
 */
public final class LocalPipeline {
  private static final String ALERTS_TOPIC = "arn:aws:sns:us-east-1:000000000000:fleetstream-local-alerts";
  private static final String LOCATIONS = "vehicle-locations";
  private static final String SENSORS = "sensor-readings";

  private LocalPipeline() {}

  public static void main(String[] args) throws Exception {
    Path workdir = Path.of("local-run");
    List<String> simulatorArgs = new ArrayList<>(List.of(
        "--vehicles", "20", "--duration-seconds", "7200", "--malformed-rate", "0.01", "--duplicate-rate", "0.02"));
    boolean keepPostgres = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--keep-postgres")) {
        keepPostgres = true;
        i--;
      } else if (args[i].equals("--workdir")) {
        workdir = Path.of(args[i + 1]);
      } else {
        simulatorArgs.add(args[i]);
        simulatorArgs.add(i + 1 < args.length ? args[i + 1] : "");
      }
    }
    workdir = workdir.toAbsolutePath().normalize();
    deleteRecursively(workdir);
    Files.createDirectories(workdir);

    try (KinesisEmulator kinesis = KinesisEmulator.start();
         PostgresServer postgres = PostgresServer.start(workdir.resolve("postgres"));
         LoopbackSns sns = new LoopbackSns(ALERTS_TOPIC)) {
      step("Kinesis emulator (kinesalite) on " + kinesis.endpoint());
      step("SNS stand-in for the alerts topic on " + sns.endpoint() + " (records what the SDK sends)");
      step("PostgreSQL on " + postgres.jdbcUrl() + " (data in " + workdir.resolve("postgres") + ")");
      kinesis.createStream(LOCATIONS, 2);
      kinesis.createStream(SENSORS, 1);

      simulatorArgs.addAll(List.of("--endpoint", kinesis.endpoint().toString(),
          "--location-stream", LOCATIONS, "--sensor-stream", SENSORS));
      SimulatorConfig sim = SimulatorConfig.parse(simulatorArgs.toArray(String[]::new));
      step("Simulating " + sim.vehicles() + " vehicles and the sensors in devices.json for "
          + sim.duration().toMinutes() + " minutes of event time from " + sim.startTime());
      System.out.println("  " + Simulator.send(sim, kinesis.client()));

      SparkSession spark = SparkSessions.local("fleetstream-local", 2).getOrCreate();
      String output = workdir.resolve("output").toUri().toString();
      step("Location streaming job (stops when the stream is drained)");
      LocationStreamingJob.run(spark, LocationJobConfig.parse(jobArgs(kinesis, LOCATIONS, workdir, postgres, sns,
          "--GEOFENCES", ProjectPaths.root().resolve("etc/geofences.json").toUri().toString())));
      step("Sensor streaming job (stops when the stream is drained)");
      SensorStreamingJob.run(spark, SensorJobConfig.parse(jobArgs(kinesis, SENSORS, workdir, postgres, sns)));

      step("Rows per sink (Parquet under " + workdir.resolve("output") + ", Delta under "
          + workdir.resolve("output/delta") + ", PostgreSQL database " + PostgresServer.DATABASE + ")");
      SinkReport.print(spark, output, postgres);
      show(spark, "Vehicles that drove furthest in a closed window",
          () -> spark.read().parquet(output + "/location/window_stats")
              .orderBy(org.apache.spark.sql.functions.col("distance_km").desc())
              .selectExpr("vehicle_id", "window_start", "fix_count", "round(distance_km, 2) AS distance_km",
                  "round(idle_minutes, 1) AS idle_minutes", "round(max_speed_kmh, 1) AS max_speed_kmh"));
      show(spark, "Quarantine reasons", () -> spark.read().parquet(output + "/location/quarantine")
          .unionByName(spark.read().parquet(output + "/sensor/quarantine"))
          .groupBy("stream_name", "reason").count().orderBy("stream_name", "reason"));
      AnalystSample.print(postgres);
      step("Alerts (geofences in etc/geofences.json, sensor thresholds): " + sns.requests().size()
          + " SNS messages sent; every alert and what became of it is in fleet.alerts");
      sns.requests().stream().limit(8).forEach(r -> System.out.println("  " + r.get("Subject")));
      try (var c = postgres.connect(); var q = c.createStatement(); var rs = q.executeQuery(
          "SELECT job, rule, status, count(*) FROM fleet.alerts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")) {
        System.out.printf("%n  %-10s %-32s %-11s %6s%n", "job", "rule", "status", "alerts");
        while (rs.next()) {
          System.out.printf("  %-10s %-32s %-11s %6d%n", rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getLong(4));
        }
      }

      step("Combine job: the streams' Delta tables -> " + workdir.resolve("final"));
      String finalPath = workdir.resolve("final").toUri().toString();
      Optional<String> manifest = CombineJob.run(spark, CombineJobConfig.parse(
          "--INPUT_DELTA_PATH", output + "/delta", "--FINAL_PATH", finalPath, "--SHUFFLE_PARTITIONS", "4"));
      if (manifest.isPresent()) {
        String json = Files.readString(Path.of(java.net.URI.create(manifest.get())));
        Email email = Email.of(Manifest.parse(json), manifest.get(), "fleetstream_final", "fleetstream-final");
        step("The email the notifier Lambda sends for this run (SNS subject and message)");
        System.out.println("Subject: " + email.subject() + "\n\n" + email.body());
      }

      step("Catalog: the crawlers' tables (crawlers/crawlers.json) registered in Spark's catalog");
      LocalCatalog.register(spark, Map.of("curated", output, "final", finalPath));
      show(spark, "sql/athena/queries/fleet_distance_per_day.sql", () -> spark.sql(
          SqlScript.load("sql/athena/queries/fleet_distance_per_day.sql").single()));
      show(spark, "sql/athena/queries/sensor_breaches_per_hour.sql", () -> spark.sql(
          SqlScript.load("sql/athena/queries/sensor_breaches_per_hour.sql").single()));
      System.out.println("Databases " + String.join(", ", CrawlerDefinitions.load().databases().values())
          + "; tables: " + spark.catalog().listTables("fleetstream_final").collectAsList().stream()
              .map(t -> t.name()).toList() + " and " + spark.catalog().listTables("fleetstream_streams")
              .collectAsList().stream().map(t -> t.name()).toList());
      System.out.println("\nRead it yourself:  spark.read().parquet(\"" + output + "/location/window_stats\")"
          + "\n                   spark.read().format(\"delta\").load(\"" + output + "/delta/location/window_stats\")"
          + "\nCheckpoints (rerun resumes from them): " + workdir.resolve("checkpoints"));
      spark.stop();
      if (keepPostgres) {
        step("PostgreSQL stays up for psql until Ctrl-C");
        Thread.currentThread().join();
      } else {
        System.out.println("To query PostgreSQL with psql afterwards: bash scripts/run-local.sh --keep-postgres");
      }
    }
  }

  private static String[] jobArgs(KinesisEmulator kinesis, String stream, Path workdir, PostgresServer postgres,
      LoopbackSns sns, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--STREAM_NAME", stream, "--KINESIS_ENDPOINT", kinesis.endpoint().toString(),
        "--KINESIS_ACCESS_KEY_ID", KinesisEmulator.ACCESS_KEY, "--KINESIS_SECRET_KEY", KinesisEmulator.SECRET_KEY,
        "--OUTPUT_PATH", workdir.resolve("output").toUri().toString(),
        "--CHECKPOINT_PATH", workdir.resolve("checkpoints").toUri().toString(),
        "--TRIGGER_INTERVAL", "2 seconds", "--SHUFFLE_PARTITIONS", "4",
        "--STOP_WHEN_DRAINED", "true", "--MAX_RUN_SECONDS", "600",
        "--SINKS", "parquet,delta,postgres", "--PG_JDBC_URL", postgres.jdbcUrl(), "--PG_USER", PostgresServer.SUPERUSER,
        "--ALERTS_TOPIC_ARN", ALERTS_TOPIC,
        "--SNS_ENDPOINT", sns.endpoint().toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static void show(SparkSession spark, String title, java.util.function.Supplier<Dataset<Row>> rows) {
    System.out.println("\n" + title + ":");
    try {
      System.out.println(rows.get().showString(10, 0, false));
    } catch (Exception e) {
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw e;
      }
      System.out.println("  (none yet)");
    }
  }

  private static void step(String text) {
    System.out.println("\n==> " + text);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
