package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.crawlers.LocalCatalog;
import com.fleetstream.deploy.glue.GlueDriver;
import com.fleetstream.deploy.glue.GlueJob;
import com.fleetstream.deploy.iam.IamPolicies;
import com.fleetstream.deploy.iam.IamRequest;
import com.fleetstream.deploy.lambda.LambdaFunction;
import com.fleetstream.deploy.terraform.Terraform;
import com.fleetstream.jobs.AthenaQueriesCheck;
import com.fleetstream.jobs.PipelineExpectations;
import com.fleetstream.jobs.SinkContents;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.TestJobArgs;
import com.fleetstream.jobs.TestPostgres;
import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.TestS3;
import com.fleetstream.jobs.sink.postgres.PgConnectionSpec;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.SensorReading;
import com.fleetstream.simulator.Simulation;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.AwsWireRecorder;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.LoopbackLambdaRuntime;
import com.fleetstream.testkit.LoopbackSecretsManager;
import com.fleetstream.testkit.LoopbackSns;
import com.fleetstream.testkit.S3Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline deployed as terraform/envs/dev says. Both streaming jobs and the combine job run from
 * the Glue jar fetched from the artifacts bucket, each in a Glue 5.0 driver JVM ({@link GlueDriver})
 * with the job definitions' own class, arguments and --conf; then the final bucket's notification
 * runs the notifier jar under Lambda's runtime interface client ({@link LambdaFunction}). Only
 * endpoints are replaced by the local servers' (Kinesis through {@code KINESIS_ENDPOINT}, PostgreSQL
 * through {@code PG_JDBC_URL}, S3, Secrets Manager and SNS through the SDK's own
 * {@code AWS_ENDPOINT_URL_*} variables); buckets, streams, topics and the secret keep Terraform's
 * names and ARNs, and the database login comes from the secret. The outputs must be the exact rows
 * KinesisPipelineTest expects of the jobs run on the build's classpath, and every AWS call must be
 * one the component's role allows.
 */
class DeployedPipelineTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration PHASE = Duration.ofMinutes(30);
  private static final String HOT_SENSOR = "s-deploy-hot";
  /**
   * What a test must change besides endpoints: Glue streaming jobs run until stopped, on a 30 s
   * trigger; here they stop once the stream is drained, trigger every second, and use the windows
   * and watermarks {@link PipelineExpectations} computes with.
   */
  private static final Map<String, String> RUN_CONTROLS = Map.of(
      "--STOP_WHEN_DRAINED", "true", "--MAX_RUN_SECONDS", "300",
      "--TRIGGER_INTERVAL", "1 second", "--WINDOWS_TRIGGER_INTERVAL", "1 second",
      "--WINDOW_WATERMARK", "1 minute", "--DEDUP_WATERMARK", "10 minutes", "--SHUFFLE_PARTITIONS", "2");

  static Terraform.Module plan;
  static Map<String, GlueJob> jobs = new LinkedHashMap<>();
  static Map<String, String> buckets;
  static KinesisEmulator kinesis;
  static S3Server s3;
  static AwsWireRecorder kinesisWire;
  static AwsWireRecorder s3Wire;
  static LoopbackSns sns;
  static LoopbackSecretsManager secrets;
  static PgConnectionSpec db;
  static GlueDriver glue;
  static Path work;
  static final List<OutgoingRecord> sent = new ArrayList<>();
  static final List<GlueDriver.Run> runs = new ArrayList<>();
  static List<AwsWireRecorder.Call> glueCalls;
  static LambdaFunction notifierFunction;
  static final List<LoopbackLambdaRuntime.Outcome> lambdaOutcomes = new ArrayList<>();
  static final List<String> lambdaInitErrors = new ArrayList<>();
  static final List<String> manifests = new ArrayList<>();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void deployAndRun() throws Exception {
    work = Files.createTempDirectory(Path.of("target"), "glue-deploy-").toAbsolutePath();
    plan = Terraform.environment("dev", Terraform.Cloud.TEST);
    Terraform.Module glueModule = plan.child("glue");
    glueModule.resource("aws_glue_job", "streaming").forEach((k, j) -> jobs.put(k, GlueJob.of(j)));
    jobs.put("combine", GlueJob.of(glueModule.resource("aws_glue_job", "combine").get("")));
    notifierFunction = LambdaFunction.of(plan.child("notifier").resource("aws_lambda_function", "notifier").get(""));
    buckets = new LinkedHashMap<>();
    ((Map<String, Object>) plan.child("storage").output("bucket_ids")).forEach((k, v) -> buckets.put(k, (String) v));

    GlueJob location = jobs.get("location");
    GlueJob sensor = jobs.get("sensor");
    kinesis = KinesisEmulator.start();
    kinesis.createStream(location.defaultArguments().get("--STREAM_NAME"), 2);
    kinesis.createStream(sensor.defaultArguments().get("--STREAM_NAME"), 1);
    kinesisWire = AwsWireRecorder.kinesis(kinesis.endpoint());
    s3 = S3Server.start(Deployment.s3MockJar(), work.resolve("s3"), buckets.values().toArray(String[]::new));
    s3Wire = AwsWireRecorder.s3(s3.endpoint());
    sns = new LoopbackSns(location.defaultArguments().get("--ALERTS_TOPIC_ARN"),
        notifierFunction.environment().get("TOPIC_ARN"));
    secrets = new LoopbackSecretsManager();
    db = TestPostgres.database("glue_deploy");
    // an RDS-managed master secret holds username and password (the server here trusts loopback)
    secrets.put(location.defaultArguments().get("--PG_SECRET_ID"),
        "{\"username\":\"" + db.user() + "\",\"password\":\"rotated-by-rds\"}");

    // the deployment, as the README does it: the jar where --extra-jars says, the placeholder script
    Path script = Files.writeString(work.resolve("placeholder.scala"), "// the job runs the Java main named by --class\n");
    for (GlueJob job : jobs.values()) {
      Deployment.upload(s3.endpoint(), URI.create(job.defaultArguments().get("--extra-jars")), Deployment.gluejar());
      Deployment.upload(s3.endpoint(), URI.create(job.scriptLocation()), script);
    }
    Deployment.upload(s3.endpoint(), URI.create("s3://" + notifierFunction.codeBucket() + "/" + notifierFunction.codeKey()),
        com.fleetstream.testkit.ProjectPaths.root().resolve("lambda-notifier/target/fleetstream-notifier-lambda.jar"));

    glue = new GlueDriver(s3Wire.endpoint(), Terraform.Cloud.TEST.region(), Map.of(
        "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY,
        "AWS_ENDPOINT_URL_SNS", sns.endpoint().toString(),
        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString()), work);

    // two phases, each drained by one run of each streaming job: the second resumes from the first's
    // checkpoint on S3
    for (int phase = 0; phase < 2; phase++) {
      SimulatorConfig sim = TestJobArgs.simulation(kinesis, location.defaultArguments().get("--STREAM_NAME"),
          sensor.defaultArguments().get("--STREAM_NAME"), START.plus(PHASE.multipliedBy(phase)), PHASE, 100 + phase);
      sent.addAll(Simulation.records(sim));
      Simulator.send(sim, kinesis.client());
      if (phase == 0) {
        sendHotSensor(sensor.defaultArguments().get("--STREAM_NAME"));
      }
      GlueDriver.Running l = glue.start(location, streamingOverrides(PipelineExpectations.LOCATION_WINDOW));
      GlueDriver.Running s = glue.start(sensor, streamingOverrides(PipelineExpectations.SENSOR_WINDOW));
      runs.add(l.await(400));
      runs.add(s.await(400));
    }
    runs.add(glue.run(jobs.get("combine"), Map.of("--SHUFFLE_PARTITIONS", "2"), 400));
    glueCalls = List.copyOf(s3Wire.calls());
    notify(notifierFunction);
  }

  /**
   * The final bucket's notification, as S3 sends it: each object the combine run created that the
   * notification's filter takes becomes an ObjectCreated event for the notifier, run by Lambda's
   * runtime interface client on the Runtime API stand-in.
   */
  @SuppressWarnings("unchecked")
  private static void notify(LambdaFunction function) throws Exception {
    Terraform.Instance notification = plan.child("notifier").resource("aws_s3_bucket_notification", "final").get("");
    Map<String, Object> target = (Map<String, Object>) ((List<Object>) notification.argument("lambda_function")).get(0);
    assertThat((List<Object>) target.get("events")).containsExactly("s3:ObjectCreated:*");
    String bucket = (String) notification.argument("bucket");
    String prefix = (String) target.get("filter_prefix");
    String suffix = (String) target.get("filter_suffix");
    List<S3Objects.Listed> created = S3Objects.list(s3.endpoint(), bucket, prefix).stream()
        .filter(o -> o.key().endsWith(suffix)).toList();
    manifests.addAll(created.stream().map(S3Objects.Listed::key).toList());
    if (created.isEmpty()) {
      return; // the combine run failed: its own test says so, the notifier's test finds no manifest
    }

    String functionArn = (String) target.get("lambda_function_arn");
    try (LoopbackLambdaRuntime runtime = new LoopbackLambdaRuntime(functionArn)) {
      Process p = function.start(runtime.address(), s3.endpoint(), Map.of(
          "AWS_REGION", Terraform.Cloud.TEST.region(), "AWS_DEFAULT_REGION", Terraform.Cloud.TEST.region(),
          "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY,
          "AWS_SESSION_TOKEN", "session-of-the-role",
          "AWS_ENDPOINT_URL_S3", s3Wire.endpoint().toString(), "AWS_ENDPOINT_URL_SNS", sns.endpoint().toString()),
          work.resolve("lambda"));
      try {
        for (S3Objects.Listed o : created) {
          lambdaOutcomes.add(runtime.invoke(S3Objects.objectCreatedEvent(Terraform.Cloud.TEST.region(), bucket, o),
              Duration.ofSeconds(function.timeoutSeconds())));
        }
      } finally {
        p.destroy();
        p.waitFor();
      }
      lambdaInitErrors.addAll(runtime.initErrors());
    }
  }

  /**
   * A sensor three readings beyond the temperature threshold, then back: one breach and one recovered
   * alert for the sensor job to publish (the simulated fleet holds no breach that long).
   */
  private static void sendHotSensor(String stream) {
    double[] values = {35, 36, 37, 20};
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      Instant t = START.plus(Duration.ofMinutes(2 + i));
      SensorReading r = new SensorReading(HOT_SENSOR, "dev-1", null, "hot-" + i, t, "temperature", values[i], "u",
          null, null);
      String payload = TestRecords.reading(r.eventId(), r.sensorId(), t.toString(), r.metric(), r.value());
      payloads.add(payload);
      sent.add(new OutgoingRecord(OutgoingRecord.Stream.SENSOR, HOT_SENSOR,
          payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), Kind.VALID, r, null));
    }
    TestRecords.put(kinesis, stream, HOT_SENSOR, payloads);
  }

  private static Map<String, String> streamingOverrides(String window) {
    Map<String, String> o = new LinkedHashMap<>(RUN_CONTROLS);
    o.put("--KINESIS_ENDPOINT", kinesisWire.endpoint().toString());
    o.put("--PG_JDBC_URL", db.jdbcUrl());
    o.put("--WINDOW_DURATION", window);
    return o;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {kinesisWire, s3Wire, sns, secrets, s3, kinesis}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // the next one still closes
      }
    }
  }

  /** This JVM's Spark, reading what the jobs wrote straight from the S3 server. */
  private static SparkSession reader() {
    SparkSession spark = SparkTestSession.get();
    TestS3.useS3a(spark.sparkContext().hadoopConfiguration(), s3.endpoint(), Terraform.Cloud.TEST.region());
    return spark;
  }

  private static String curated() {
    return "s3a://" + buckets.get("curated");
  }

  @Test
  void everyRunOfTheShippedJarSucceeds() {
    assertThat(runs).hasSize(5).allSatisfy(run -> assertThat(run.exitCode())
        .as(run.job() + " exit code; its driver's output: " + run.log()).isZero());
    // the jobs logged in with the secret's user, not with a PG_USER argument
    assertThat(secrets.requested()).isNotEmpty()
        .allSatisfy(id -> assertThat(id).isEqualTo(jobs.get("location").defaultArguments().get("--PG_SECRET_ID")));
  }

  @Test
  void streamingJobsWriteTheRowsTheJobsWriteOnTheBuildsClasspath() throws SQLException {
    SparkSession spark = reader();
    PipelineExpectations expected = new PipelineExpectations(spark, curated(), db, sent, START);
    expected.assertLocationOutputs();
    expected.assertSensorOutputs();
    SinkContents sinks = new SinkContents(spark, curated(), curated() + "/delta", db);
    sinks.assertSinksAgree("location");
    sinks.assertSinksAgree("sensor");
    sinks.assertLedgerHoldsEachBatchOnce("location", "sensor");
    expected.assertAnalystQueries(sinks);
  }

  @Test
  void combineJobsFinalTablesAnswerTheAthenaQueries() {
    SparkSession spark = reader();
    LocalCatalog.register(spark, Map.of("curated", curated(), "final", "s3a://" + buckets.get("final")));
    AthenaQueriesCheck.of(spark, sent).assertAll();
  }

  @Test
  void alertsReachTheTopicTerraformGivesTheJobs() {
    String topic = jobs.get("sensor").defaultArguments().get("--ALERTS_TOPIC_ARN");
    assertThat(sns.requests()).filteredOn(r -> topic.equals(r.get("TopicArn")))
        .extracting(r -> r.get("TopicArn") + " " + r.get("Subject")).containsExactly(
        jobs.get("sensor").defaultArguments().get("--ALERTS_TOPIC_ARN")
            + " fleetstream sensor alert: breach threshold:temperature " + HOT_SENSOR,
        jobs.get("sensor").defaultArguments().get("--ALERTS_TOPIC_ARN")
            + " fleetstream sensor alert: recovered threshold:temperature " + HOT_SENSOR);
  }

  /**
   * Every AWS call the runs made (Glue fetching the script and jar, S3A, our Kinesis source, the
   * Secrets Manager and SNS clients) is allowed by the IAM policies of the role the job runs as.
   */
  @Test
  void everyAwsCallOfTheRunsIsAllowedByTheirRole() {
    Set<String> roles = new TreeSet<>();
    jobs.values().forEach(j -> roles.add(j.roleArn().substring(j.roleArn().indexOf(":role/") + 6)));
    assertThat(roles).as("one role for all Glue jobs (the calls are not told apart per job)").hasSize(1);
    IamPolicies policies = IamPolicies.ofRole(plan, roles.iterator().next());
    IamRequest.Mapper mapper = new IamRequest.Mapper(plan);
    List<IamRequest> requests = new ArrayList<>();
    kinesisWire.calls().forEach(c -> requests.addAll(mapper.kinesisOrS3(c)));
    glueCalls.forEach(c -> requests.addAll(mapper.kinesisOrS3(c)));
    String alerts = jobs.get("sensor").defaultArguments().get("--ALERTS_TOPIC_ARN");
    sns.requests().stream().filter(r -> alerts.equals(r.get("TopicArn")))
        .forEach(r -> requests.addAll(mapper.snsPublish(r.get("TopicArn"))));
    secrets.requested().forEach(id -> requests.add(mapper.secretValue(id)));

    assertThat(requests).extracting(IamRequest::action).contains("kinesis:GetRecords", "kinesis:ListShards",
        "s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject", "kms:GenerateDataKey", "kms:Decrypt",
        "secretsmanager:GetSecretValue", "sns:Publish");
    Set<String> denied = new TreeSet<>();
    requests.stream().filter(r -> !policies.allows(r)).forEach(r -> denied.add(r.action() + " on " + r.resource()
        + " (e.g. " + r.why() + ")"));
    assertThat(denied).as("calls role " + policies.role() + " may not make").isEmpty();
  }

  @Test
  void theNotifierEmailsTheCombineRunThroughTheRuntimeInterfaceClient() {
    assertThat(manifests).as("manifests the combine run wrote under the notification's prefix").hasSize(1);
    assertThat(lambdaInitErrors).as("init errors").isEmpty();
    assertThat(lambdaOutcomes).singleElement().satisfies(o -> assertThat(o.error())
        .as("the function's error; its output is in " + work.resolve("lambda")).isNull());
    String topic = notifierFunction.environment().get("TOPIC_ARN");
    assertThat(sns.requests()).filteredOn(r -> topic.equals(r.get("TopicArn"))).singleElement()
        .satisfies(r -> assertThat(r.get("Subject")).startsWith("fleetstream: new final data, "));
  }

  /** Every call the notifier made is allowed by the notifier's role, and only those. */
  @Test
  void everyAwsCallOfTheNotifierIsAllowedByItsRole() {
    String role = notifierFunction.roleArn().substring(notifierFunction.roleArn().indexOf(":role/") + 6);
    IamPolicies policies = IamPolicies.ofRole(plan, role);
    IamRequest.Mapper mapper = new IamRequest.Mapper(plan);
    List<IamRequest> requests = new ArrayList<>();
    s3Wire.calls().subList(glueCalls.size(), s3Wire.calls().size()).forEach(c -> requests.addAll(mapper.kinesisOrS3(c)));
    String topic = notifierFunction.environment().get("TOPIC_ARN");
    sns.requests().stream().filter(r -> topic.equals(r.get("TopicArn")))
        .forEach(r -> requests.addAll(mapper.snsPublish(topic)));
    assertThat(requests).extracting(IamRequest::action).contains("s3:GetObject", "s3:PutObject", "sns:Publish");
    Set<String> denied = new TreeSet<>();
    requests.stream().filter(r -> !policies.allows(r)).forEach(r -> denied.add(r.toString()));
    assertThat(denied).as("calls role " + role + " may not make").isEmpty();
  }

  /** Helpers for putting the built artifacts where Terraform says they are. */
  static final class Deployment {
    private Deployment() {}

    static Path s3MockJar() {
      return Path.of("target/s3mock/s3mock.jar").toAbsolutePath();
    }

    static Path gluejar() {
      return com.fleetstream.testkit.ProjectPaths.root().resolve("jobs/target/fleetstream-jobs-glue.jar");
    }

    /** A plain PUT of the file to s3://bucket/key on the S3 server (what `aws s3 cp` does). */
    static void upload(URI endpoint, URI s3, Path file) throws IOException, InterruptedException {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(endpoint + "/" + s3.getHost() + s3.getPath())).PUT(HttpRequest.BodyPublishers.ofFile(file))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("upload of " + file + " to " + s3).isEqualTo(200);
    }
  }
}
