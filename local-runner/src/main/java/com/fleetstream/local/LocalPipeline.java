package com.fleetstream.local;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.crawlers.CrawlerDefinitions;
import com.fleetstream.crawlers.LocalCatalog;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.rehearsal.Deployment;
import com.fleetstream.rehearsal.glue.GlueDriver;
import com.fleetstream.rehearsal.s3.S3Objects;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.sql.SqlScript;
import com.fleetstream.testkit.LoopbackCloudWatch;
import com.fleetstream.testkit.PostgresServer;
import com.fleetstream.testkit.ProjectPaths;
import com.fleetstream.testkit.S3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * README command 1: the whole pipeline as Terraform deploys the dev environment, on local servers
 * ({@link Deployment}). Simulates two hours of fleet and sensor traffic into kinesalite; runs both
 * streaming jobs from the shipped Glue jar, each in a Glue 5.0 driver JVM with the job definitions'
 * arguments, until the streams are drained; runs the combine job the same way; lets the final bucket's
 * notification start the notifier jar under Lambda's runtime interface client; then prints what
 * landed where, read back from S3 and PostgreSQL.
 *
 * <p>Flags: {@code --workdir DIR} (default ./local-run, wiped at start), {@code --keep-servers}
 * (leave S3 and PostgreSQL running until Ctrl-C), {@code --serve} (see {@link #serve}) with
 * {@code --api-port} (default 8080), and any simulator flag ({@code --vehicles},
 * {@code --duration-seconds}, {@code --seed}, {@code --malformed-rate}, ...).
 */
public final class LocalPipeline {
  /** Where the run puts the geofences file, as a user sets {@code geofences_key} and uploads it. */
  private static final String GEOFENCES_KEY = "config/geofences.json";
  /**
   * What the local run changes of a Glue run besides endpoints, as StartJobRun arguments: a streaming
   * job on Glue runs until stopped on a 30 s trigger; here it stops once its stream is drained.
   */
  private static final Map<String, String> RUN_CONTROLS = Map.of(
      "--STOP_WHEN_DRAINED", "true", "--MAX_RUN_SECONDS", "600",
      "--TRIGGER_INTERVAL", "2 seconds", "--WINDOWS_TRIGGER_INTERVAL", "2 seconds", "--SHUFFLE_PARTITIONS", "2");
  private static final long RUN_TIMEOUT_SECONDS = 900;
  private static final long STARTED = System.nanoTime();

  private LocalPipeline() {}

  public static void main(String[] args) throws Exception {
    boolean serve = Arrays.asList(args).contains("--serve");
    // the local run's own defaults go first: the user's flags override them; served, the fleet drives
    // in real time for a day
    GlueArgs flags = GlueArgs.parse(Stream.of(Stream.of("--vehicles", "20", "--malformed-rate", "0.01",
        "--duplicate-rate", "0.02"), serve ? Stream.of("--realtime", "true", "--duration-seconds", "86400")
        : Stream.of("--duration-seconds", "7200"), Arrays.stream(args)).flatMap(s -> s).toArray(String[]::new));
    Path workdir = Path.of(flags.string("workdir", "local-run"));
    boolean keepServers = flags.bool("keep-servers", false);
    flags.bool("serve", false);
    int apiPort = flags.integer("api-port", 8080, 0, 65535);
    SimulatorConfig simulation = SimulatorConfig.from(flags);
    flags.rejectUnread();
    workdir = workdir.toAbsolutePath().normalize();
    deleteRecursively(workdir);
    Files.createDirectories(workdir);

    // as a user would set it in terraform.tfvars: a geofences file (the streams are provisioned with the
    // sizing table's shards for dev's 1,000 vehicles)
    Terraform.Module plan = Terraform.environment("dev", Deployment.CLOUD, Map.of("geofences_key", GEOFENCES_KEY));
    try (PostgresServer postgres = PostgresServer.start(workdir.resolve("postgres"));
         Deployment aws = Deployment.start(plan, workdir, postgres.jdbcUrl(), PostgresServer.SUPERUSER)) {
      Map<String, String> buckets = aws.buckets();
      aws.upload(URI.create("s3://" + buckets.get("artifacts") + "/" + GEOFENCES_KEY),
          ProjectPaths.root().resolve("etc/geofences.json"));
      String locations = aws.job("location").defaultArguments().get("--STREAM_NAME");
      String sensors = aws.job("sensor").defaultArguments().get("--STREAM_NAME");
      step("terraform/deployment with envs/dev deployed on local servers, names and ARNs as Terraform plans them for account "
          + Deployment.CLOUD.account() + " in " + Deployment.CLOUD.region());
      System.out.println("  Kinesis (kinesalite)   " + aws.kinesis().endpoint() + "  streams " + locations + ", " + sensors
          + "\n  S3 (S3Mock)            " + aws.s3Endpoint() + "  buckets " + String.join(", ", buckets.values())
          + "\n  SNS stand-in           " + aws.sns().endpoint()
          + "\n  Secrets Manager stand-in " + aws.secrets().endpoint()
          + "\n  PostgreSQL             " + postgres.jdbcUrl() + "  (data in " + workdir.resolve("postgres") + ")");

      SimulatorConfig sim = simulation.sendingTo(aws.kinesis().endpoint(), locations, sensors);
      if (serve) {
        serve(aws, postgres, sim, apiPort);
        return;
      }
      step("Simulating " + sim.vehicles() + " vehicles and the sensors in devices.json for "
          + sim.duration().toMinutes() + " minutes of event time from " + sim.startTime());
      System.out.println("  " + Simulator.send(sim, aws.kinesis().client()));

      makeLogins(aws);

      step("Glue runs of both streaming jobs, from the jar in s3://" + buckets.get("artifacts")
          + " (they stop when their stream is drained)");
      GlueDriver.Running location = aws.start("location", RUN_CONTROLS);
      GlueDriver.Running sensor = aws.start("sensor", RUN_CONTROLS);
      SparkSession spark = SparkSessions.local("fleetstream-local", 2).getOrCreate();
      S3Server.s3aSettings(aws.s3Endpoint(), Deployment.CLOUD.region(), true)
          .forEach(spark.sparkContext().hadoopConfiguration()::set);
      report(location.await(RUN_TIMEOUT_SECONDS));
      report(sensor.await(RUN_TIMEOUT_SECONDS));
      // the combine run's JVM and session start while this one reads back what the streams wrote
      GlueDriver.Running combine = aws.start("combine", Map.of("--SHUFFLE_PARTITIONS", "2"));
      String finalBucket = buckets.get("final");

      String curated = "s3a://" + buckets.get("curated");
      step("Rows per sink (Parquet under s3://" + buckets.get("curated") + ", Delta under s3://"
          + buckets.get("curated") + "/delta, PostgreSQL database " + PostgresServer.DATABASE + ")");
      SinkReport.print(spark, curated, postgres, Map.of("location", locations, "sensor", sensors));
      show(spark, "Vehicles that drove furthest in a closed window",
          () -> spark.read().parquet(curated + "/location/window_stats")
              .orderBy(functions.col("distance_km").desc())
              .selectExpr("vehicle_id", "window_start", "fix_count", "round(distance_km, 2) AS distance_km",
                  "round(idle_minutes, 1) AS idle_minutes", "round(max_speed_kmh, 1) AS max_speed_kmh"));
      show(spark, "Quarantine reasons", () -> spark.read().parquet(curated + "/location/quarantine")
          .unionByName(spark.read().parquet(curated + "/sensor/quarantine"))
          .groupBy("stream_name", "reason").count().orderBy("stream_name", "reason"));
      AnalystSample.print(postgres);
      printMetrics(aws.cloudWatch());
      String alertsTopic = aws.job("sensor").defaultArguments().get("--ALERTS_TOPIC_ARN");
      List<Map<String, String>> alerts = aws.sns().requests().stream()
          .filter(r -> alertsTopic.equals(r.get("TopicArn"))).toList();
      step("Alerts (geofences from s3://" + buckets.get("artifacts") + "/" + GEOFENCES_KEY + ", sensor thresholds): "
          + alerts.size() + " SNS messages to " + alertsTopic + "; every alert and what became of it is in fleet.alerts");
      alerts.stream().limit(8).forEach(r -> System.out.println("  " + r.get("Subject")));
      try (var c = postgres.connect(); var q = c.createStatement(); var rs = q.executeQuery(
          SqlScript.load("sql/postgres/queries/alerts_by_status.sql").single())) {
        System.out.printf("%n  %-10s %-32s %-11s %6s%n", "job", "rule", "status", "alerts");
        while (rs.next()) {
          System.out.printf("  %-10s %-32s %-11s %6d%n", rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getLong(4));
        }
      }

      step("Glue run of the combine job: the streams' Delta tables -> s3://" + finalBucket);
      report(combine.await(RUN_TIMEOUT_SECONDS));
      Deployment.Notification notification = aws.notifyFinal();
      step("The final bucket's notification: " + notification.objects().size() + " ObjectCreated event(s) for "
          + aws.notifier().name() + ", run by Lambda's runtime interface client (its log: " + notification.log() + ")");
      notification.outcomes().forEach(o -> System.out.println("  " + (o.error() == null ? "ok: " + o.body()
          : "error: " + o.error())));
      String notifyTopic = aws.notifier().environment().get("TOPIC_ARN");
      aws.sns().requests().stream().filter(r -> notifyTopic.equals(r.get("TopicArn"))).forEach(r ->
          System.out.println("\nThe email SNS sends to " + notifyTopic + "'s subscribers:\nSubject: "
              + r.get("Subject") + "\n\n" + r.get("Message")));

      step("Catalog: the tables the crawlers (crawlers/crawlers.json) make, registered in Spark's catalog");
      String finalPath = "s3a://" + finalBucket;
      LocalCatalog.register(spark, Map.of("curated", curated, "final", finalPath));
      show(spark, "sql/athena/queries/fleet_distance_per_day.sql", () -> spark.sql(
          SqlScript.load("sql/athena/queries/fleet_distance_per_day.sql").single()));
      show(spark, "sql/athena/queries/sensor_breaches_per_hour.sql", () -> spark.sql(
          SqlScript.load("sql/athena/queries/sensor_breaches_per_hour.sql").single()));
      System.out.println("Databases " + String.join(", ", CrawlerDefinitions.load().databases().values())
          + "; tables: " + spark.catalog().listTables("fleetstream_final").collectAsList().stream()
              .map(t -> t.name()).toList() + " and " + spark.catalog().listTables("fleetstream_streams")
              .collectAsList().stream().map(t -> t.name()).toList());
      spark.stop();

      List<S3Objects.Listed> landed = S3Objects.list(aws.s3Endpoint(), finalBucket, "");
      step(landed.size() + " objects in s3://" + finalBucket + ", " + landed.stream().mapToLong(S3Objects.Listed::size)
          .sum() / 1024 + " KiB; the Glue drivers' logs are in " + workdir.resolve("glue"));
      String env = "AWS_ACCESS_KEY_ID=" + S3Server.ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=" + S3Server.SECRET_KEY
          + " AWS_DEFAULT_REGION=" + Deployment.CLOUD.region();
      System.out.println("  " + env + " aws --endpoint-url " + aws.s3Endpoint() + " s3 ls s3://" + finalBucket
          + "/ --recursive\n  " + env + " aws --endpoint-url " + aws.s3Endpoint() + " s3 ls s3://"
          + buckets.get("curated") + "/location/");
      if (keepServers) {
        step("S3 and PostgreSQL stay up for the commands above and psql until Ctrl-C");
        Thread.currentThread().join();
      } else {
        System.out.println("The servers stop now; to keep them up for those commands and psql: "
            + "bash scripts/run-local.sh --keep-servers");
        System.out.println("The fleet API and the live map, on a fleet driving in real time: "
            + "bash scripts/run-local.sh --serve");
      }
    }
  }

  /**
   * {@code --serve}: the streaming jobs run on (no drained stop) while the simulator drives the fleet
   * in real time, and the fleet API serves the live map from PostgreSQL, as a role IN ROLE analyst,
   * with ingestion into the location stream. Prints {@code API: <url>} and {@code Token: <token>}
   * on lines of their own, then serves until Ctrl-C.
   */
  private static void serve(Deployment aws, PostgresServer postgres, SimulatorConfig sim, int apiPort)
      throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      aws.close();
      postgres.close();
    }));
    makeLogins(aws);
    Map<String, String> controls = new java.util.HashMap<>(RUN_CONTROLS);
    controls.put("--STOP_WHEN_DRAINED", "false");
    controls.remove("--MAX_RUN_SECONDS");
    step("Glue runs of both streaming jobs, running on; the simulator drives " + sim.vehicles()
        + " vehicles in real time");
    List<GlueDriver.Running> runs = List.of(aws.start("location", controls), aws.start("sensor", controls));
    Thread simulator = new Thread(() -> Simulator.send(sim, aws.kinesis().client()), "simulator");
    simulator.setDaemon(true);
    simulator.start();
    ServedApi api = ServedApi.start(aws, postgres, apiPort, runs, sim.vehicles());
    step("The fleet API and the live map (drivers' logs in " + runs.get(0).log().getParent() + "); Ctrl-C stops all");
    System.out.println("API: " + api.url());
    // the first token is the one scripts take (the line "Token: ..."); each sees only what its grants cover
    api.tokens().forEach((who, token) ->
        System.out.println((who.startsWith("local-admin") ? "Token: " : "Token (" + who + "): ") + token));
    // the map signs in at the local stand-in of the hosted UI (code with PKCE), as any of the principals
    System.out.println("Map: " + api.url() + " (Sign in as local-admin, local-renter or local-device)");
    Thread.currentThread().join();
  }

  /** The writer-login job's run, as a user starts it after the first apply. */
  private static void makeLogins(Deployment aws) throws Exception {
    Map<String, String> args = aws.job(Deployment.WRITER_LOGIN).defaultArguments();
    step("Glue run of the writer-login job: the streaming jobs' and the API's own PostgreSQL logins, made with"
        + " the master user's secret, into their secrets " + args.get("--PG_SECRET_ID") + " and "
        + args.get("--PG_READER_SECRET_ID"));
    report(aws.start(Deployment.WRITER_LOGIN, Map.of()).await(RUN_TIMEOUT_SECONDS));
  }

  /** A run's outcome; a failed run ends the local run with why its driver ended. */
  private static void report(GlueDriver.Run run) throws IOException {
    if (run.exitCode() != 0) {
      System.out.println(run.ending());
      throw new IllegalStateException(run.job() + " failed with exit code " + run.exitCode() + "; its driver's log: "
          + run.log());
    }
    System.out.println("  " + run.job() + " succeeded; its driver's log: " + run.log());
  }

  private static void show(SparkSession spark, String title, Supplier<Dataset<Row>> rows) {
    System.out.println("\n" + title + ":");
    try {
      System.out.println(rows.get().showString(10, 0, false));
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      System.out.println("  (none yet)");
    }
  }

  /** The per-batch counts summed per job and query, and each stream's last lag, as CloudWatch got them. */
  private static void printMetrics(LoopbackCloudWatch cloudWatch) {
    step("CloudWatch metrics the streaming runs published (" + cloudWatch.data().size() + " values to the stand-in"
        + (cloudWatch.refusals().isEmpty() ? "" : ", " + cloudWatch.refusals().size() + " refused") + ")");
    Map<String, Map<String, Double>> sums = new TreeMap<>();
    Map<String, Double> lag = new TreeMap<>();
    for (LoopbackCloudWatch.Datum d : cloudWatch.data()) {
      Map<String, String> dims = d.dimensions();
      if (dims.containsKey("Query") && d.unit().equals("Count")) {
        sums.computeIfAbsent(dims.get("JobName") + " " + dims.get("Query"), k -> new LinkedHashMap<>())
            .merge(d.name(), d.value(), Double::sum);
      } else if (d.name().equals("MillisBehindLatest") && !dims.containsKey("ShardId")) {
        lag.put(d.namespace() + " " + dims.get("JobName") + " " + dims.get("StreamName"), d.value());
      }
    }
    sums.forEach((query, counts) -> System.out.println("  " + query + ": " + counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().longValue()).collect(Collectors.joining(", "))));
    lag.forEach((stream, ms) -> System.out.println("  " + stream + ": MillisBehindLatest " + ms.longValue()
        + " ms at the end (the consumer-lag alarm's metric)"));
  }

  private static void step(String text) {
    System.out.printf("%n==> [%3d s] %s%n", (System.nanoTime() - STARTED) / 1_000_000_000L, text);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
