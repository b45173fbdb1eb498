package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.api.access.AccessAdmin;
import com.fleetstream.crawlers.LocalCatalog;
import com.fleetstream.deploy.iam.IamPolicies;
import com.fleetstream.deploy.iam.IamRequest;
import com.fleetstream.jobs.AthenaQueriesCheck;
import com.fleetstream.jobs.PipelineExpectations;
import com.fleetstream.jobs.SinkContents;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.TestJobArgs;
import com.fleetstream.jobs.TestPostgres;
import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.TestS3;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.rehearsal.Deployment;
import com.fleetstream.rehearsal.glue.GlueDriver;
import com.fleetstream.rehearsal.lambda.HttpApi;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.SensorReading;
import com.fleetstream.simulator.Simulation;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.sql.SqlScript;
import com.fleetstream.testkit.AwsWireRecorder;
import com.fleetstream.testkit.LoopbackCloudWatch;
import com.fleetstream.testkit.LoopbackSecretsManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline deployed as terraform/deployment says for envs/dev ({@link Deployment}). Both streaming jobs and the
 * combine job run from the Glue jar fetched from the artifacts bucket, each in a Glue 5.0 driver JVM
 * with the job definitions' own class, arguments and --conf; then the final bucket's notification runs
 * the notifier jar under Lambda's runtime interface client, and the API's jar answers requests through
 * the HTTP API's routes under the same client. The outputs must be the exact rows
 * KinesisPipelineIT expects of the jobs run on the build's classpath, and every AWS call must be one
 * the component's role allows.
 */
class DeployedPipelineIT {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration PHASE = Duration.ofMinutes(30);
  private static final String HOT_SENSOR = "s-deploy-hot";
  private static final String TENANT = "deployed";
  /**
   * What a test must change besides endpoints: Glue streaming jobs run until stopped, on a 30 s
   * trigger; here they stop once the stream is drained, trigger every second, and use the windows
   * and watermarks {@link PipelineExpectations} computes with.
   */
  private static final Map<String, String> RUN_CONTROLS = Map.of(
      "--STOP_WHEN_DRAINED", "true", "--MAX_RUN_SECONDS", "900",
      "--TRIGGER_INTERVAL", "1 second", "--WINDOWS_TRIGGER_INTERVAL", "1 second",
      "--WINDOW_WATERMARK", "1 minute", "--DEDUP_WATERMARK", "10 minutes", "--SHUFFLE_PARTITIONS", "2");

  /** A hung driver's bound: beyond the streaming jobs' own MAX_RUN_SECONDS, which fails a run that did not drain. */
  private static final long RUN_TIMEOUT_SECONDS = 1_000;

  static Deployment deployment;
  static PgConnectionSpec db;
  static final List<OutgoingRecord> sent = new ArrayList<>();
  static final List<GlueDriver.Run> runs = new ArrayList<>();
  static List<AwsWireRecorder.Call> glueCalls;
  static Deployment.Notification notification;
  static Deployment.PublishedApi publishedApi;
  static List<HttpApi.Response> beforeWriterLogin;
  static List<HttpApi.Response> apiResponses;
  static final String FIX_TIME = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();

  @BeforeAll
  static void deployAndRun() throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "glue-deploy-").toAbsolutePath();
    db = TestPostgres.database("glue_deploy");
    // dev's tfvars as they are: the streams provisioned with the sizing table's shards for 1,000 vehicles
    deployment = Deployment.start(Terraform.environment("dev", Deployment.CLOUD), work, db.jdbcUrl(), db.user());
    String locations = deployment.job("location").defaultArguments().get("--STREAM_NAME");
    String sensors = deployment.job("sensor").defaultArguments().get("--STREAM_NAME");

    // the first apply publishes the API's first version, whose init runs before any login exists
    publishedApi = deployment.publishApi();
    beforeWriterLogin = publishedApi.call(List.of(new Deployment.ApiRequest("GET", "/vehicles", null, null),
        new Deployment.ApiRequest("GET", "/", null, null)));
    // what docs/deploy.md asks after the first apply: the writer-login job makes the streaming jobs' login
    runs.add(deployment.start(Deployment.WRITER_LOGIN, Map.of()).await(RUN_TIMEOUT_SECONDS));
    // two phases, each drained by one run of each streaming job: the second resumes from the first's
    // checkpoint on S3
    for (int phase = 0; phase < 2; phase++) {
      SimulatorConfig sim = TestJobArgs.simulation(deployment.kinesis(), locations, sensors,
          START.plus(PHASE.multipliedBy(phase)), PHASE, 100 + phase);
      sent.addAll(Simulation.records(sim));
      Simulator.send(sim, deployment.kinesis().client());
      if (phase == 0) {
        sendHotSensor(sensors);
      }
      GlueDriver.Running l = deployment.start("location", streamingOverrides(PipelineExpectations.LOCATION_WINDOW));
      GlueDriver.Running s = deployment.start("sensor", streamingOverrides(PipelineExpectations.SENSOR_WINDOW));
      runs.add(l.await(RUN_TIMEOUT_SECONDS));
      runs.add(s.await(RUN_TIMEOUT_SECONDS));
    }
    runs.add(deployment.start("combine", Map.of("--SHUFFLE_PARTITIONS", "2")).await(RUN_TIMEOUT_SECONDS));
    glueCalls = List.copyOf(deployment.s3Calls());
    notification = deployment.notifyFinal();
    // the API shows a caller only what its grants cover: the operator API Gateway's claims name
    // administers the fleet the jobs wrote, as an administrator sets it up after the first run
    try (Connection c = db.open()) {
      new AccessAdmin(c).tenant(TENANT, "Deployed fleet").adoptUnassignedVehicles(TENANT).vehicle(TENANT, "api-truck")
          .grant(Deployment.API_PRINCIPAL, AccessAdmin.Role.ADMINISTRATOR, TENANT, Optional.empty(), Optional.empty(),
              Optional.empty());
    }
    String range = "start=" + START + "&end=" + START.plus(Duration.ofHours(1));
    apiResponses = publishedApi.call(List.of(
        new Deployment.ApiRequest("GET", "/vehicles", null, null),
        new Deployment.ApiRequest("GET", "/vehicles/truck-001/location", null, null),
        new Deployment.ApiRequest("GET", "/vehicles/truck-001/positions", range + "&limit=5", null),
        new Deployment.ApiRequest("GET", "/vehicles/nobody/location", null, null),
        new Deployment.ApiRequest("GET", "/alerts", "since=" + START + "&limit=5", null),
        new Deployment.ApiRequest("POST", "/positions", null, "[{\"vehicle_id\":\"api-truck\",\"timestamp\":\""
            + FIX_TIME + "\",\"latitude\":52.52,\"longitude\":13.405,\"speed_kmh\":30},"
            + "{\"vehicle_id\":\"api-truck\",\"timestamp\":\"" + FIX_TIME + "\",\"latitude\":95,\"longitude\":13.4}]"),
        new Deployment.ApiRequest("GET", "/", null, null),
        new Deployment.ApiRequest("GET", "/config.json", null, null),
        new Deployment.ApiRequest("DELETE", "/vehicles", null, null)));
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
    TestRecords.put(deployment.kinesis(), stream, HOT_SENSOR, payloads);
  }

  private static Map<String, String> streamingOverrides(String window) {
    Map<String, String> o = new LinkedHashMap<>(RUN_CONTROLS);
    o.put("--WINDOW_DURATION", window);
    // the simulated day is fixed (2026-01-01), older than the default 30 days by now
    o.put("--MAX_EVENT_AGE", "3650 days");
    return o;
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (publishedApi != null) {
      publishedApi.close();
    }
    if (deployment != null) {
      deployment.close();
    }
  }

  /** This JVM's Spark, reading what the jobs wrote straight from the S3 server. */
  private static SparkSession reader() {
    SparkSession spark = SparkTestSession.get();
    TestS3.useS3a(spark.sparkContext().hadoopConfiguration(), deployment.s3Endpoint(), Deployment.CLOUD.region());
    return spark;
  }

  private static String curated() {
    return "s3a://" + deployment.buckets().get("curated");
  }

  @Test
  void everyRunOfTheShippedJarSucceeds() {
    assertThat(runs).hasSize(6).allSatisfy(run -> assertThat(run.exitCode())
        .as(() -> run.job() + " exit code; its driver's output: " + run.log() + ", ending:\n" + run.ending()).isZero());
    // the streaming jobs logged in as the writer the writer-login job made, from its secret, not as the
    // master user nor with a PG_USER argument
    String writerSecret = deployment.job("location").defaultArguments().get("--PG_SECRET_ID");
    assertThat(deployment.secrets().requests()).filteredOn(r -> r.principal().equals(
        deployment.job("location").roleName())).isNotEmpty().allSatisfy(r -> assertThat(r.secretId())
            .isEqualTo(writerSecret));
    assertThat(deployment.secrets().value(writerSecret)).contains("\"username\":\"fleet_writer\"");
    assertThat(TestPostgres.rows(db, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'fleet'"))
        .containsExactly(List.of("fleet_writer"));
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
    LocalCatalog.register(spark, Map.of("curated", curated(), "final", "s3a://" + deployment.buckets().get("final")));
    AthenaQueriesCheck.of(spark, sent).assertAll();
  }

  @Test
  void alertsReachTheTopicTerraformGivesTheJobs() throws SQLException {
    String topic = deployment.job("sensor").defaultArguments().get("--ALERTS_TOPIC_ARN");
    assertThat(deployment.sns().requests()).filteredOn(r -> topic.equals(r.get("TopicArn")))
        .extracting(r -> r.get("TopicArn") + " " + r.get("Subject")).containsExactly(
            topic + " fleetstream sensor alert: breach threshold:temperature " + HOT_SENSOR,
            topic + " fleetstream sensor alert: recovered threshold:temperature " + HOT_SENSOR);
    List<String> byStatus = new ArrayList<>();
    try (Connection c = db.open(); Statement q = c.createStatement(); ResultSet rs = q.executeQuery(
        SqlScript.load("sql/postgres/queries/alerts_by_status.sql").single())) {
      while (rs.next()) {
        byStatus.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getLong(4));
      }
    }
    assertThat(byStatus).containsExactly("sensor threshold:temperature published 2");
  }

  /**
   * Every AWS call the runs made (Glue fetching the script and jar, S3A, our Kinesis source, the
   * Secrets Manager and SNS clients) is allowed by the IAM policies of the role of the job that made
   * it: each run signs with a key named after its role, so the recorded calls say whose they are.
   * Secrets Manager and SNS calls come from the streaming jobs, the only ones given a secret or a topic.
   */
  @Test
  void everyAwsCallOfTheRunsIsAllowedByTheRoleOfTheJobThatMadeIt() {
    String streaming = deployment.job("location").roleName();
    String combine = deployment.job("combine").roleName();
    String login = deployment.job(Deployment.WRITER_LOGIN).roleName();
    assertThat(deployment.job("sensor").roleName()).isEqualTo(streaming);
    assertThat(combine).as("the combine job's own role").isNotEqualTo(streaming);
    assertThat(deployment.job("combine").defaultArguments()).doesNotContainKeys("--PG_SECRET_ID", "--ALERTS_TOPIC_ARN");

    IamRequest.Mapper mapper = new IamRequest.Mapper(deployment.plan());
    Map<String, List<IamRequest>> byRole = new TreeMap<>();
    List<AwsWireRecorder.Call> calls = new ArrayList<>(deployment.kinesisCalls());
    calls.addAll(glueCalls);
    for (AwsWireRecorder.Call c : calls) {
      if (c.principal() != null && c.principal().equals(apiRole())) {
        continue; // everyAwsCallOfTheApiIsAllowedByItsRole
      }
      assertThat(c.principal()).as("who made " + c).isIn(streaming, combine, login);
      byRole.computeIfAbsent(c.principal(), k -> new ArrayList<>()).addAll(mapper.kinesisOrS3(c));
    }
    String alerts = deployment.job("sensor").defaultArguments().get("--ALERTS_TOPIC_ARN");
    deployment.sns().requests().stream().filter(r -> alerts.equals(r.get("TopicArn")))
        .forEach(r -> byRole.get(streaming).addAll(mapper.snsPublish(r.get("TopicArn"))));
    for (LoopbackSecretsManager.Request r : deployment.secrets().requests()) {
      if (apiRole().equals(r.principal())) {
        continue;
      }
      assertThat(r.principal()).as("who made " + r).isIn(streaming, login);
      byRole.computeIfAbsent(r.principal(), k -> new ArrayList<>()).addAll(mapper.secret(r.operation(), r.secretId()));
    }
    for (LoopbackCloudWatch.Datum d : deployment.cloudWatch().data()) {
      assertThat(d.accessKey()).as("who published " + d).isEqualTo(streaming);
      byRole.get(streaming).add(new IamRequest("cloudwatch:PutMetricData", "*",
          Map.of("cloudwatch:namespace", d.namespace()), "cloudwatch PutMetricData " + d.name()));
    }

    assertThat(byRole.get(streaming)).extracting(IamRequest::action).contains("kinesis:GetRecords",
        "kinesis:ListShards", "s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject", "kms:GenerateDataKey",
        "kms:Decrypt", "secretsmanager:GetSecretValue", "sns:Publish", "cloudwatch:PutMetricData");
    assertThat(byRole.get(combine)).extracting(IamRequest::action).contains("s3:GetObject", "s3:PutObject",
        "s3:ListBucket").doesNotContain("kinesis:GetRecords");
    assertThat(byRole.get(login)).extracting(IamRequest::action).contains("secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue", "kms:Decrypt", "kms:GenerateDataKey");
    String master = deployment.job(Deployment.WRITER_LOGIN).defaultArguments().get("--PG_ADMIN_SECRET_ID");
    assertThat(byRole.get(streaming)).as("the streaming jobs never read the master user's secret")
        .noneMatch(r -> r.resource().equals(master));
    assertThat(IamPolicies.ofRole(deployment.plan(), streaming).allows(
        new IamRequest("secretsmanager:GetSecretValue", master, Map.of(), "a stream reading the master secret")))
        .isFalse();
    byRole.forEach((role, requests) -> {
      IamPolicies policies = IamPolicies.ofRole(deployment.plan(), role);
      Set<String> denied = new TreeSet<>();
      requests.stream().filter(r -> !policies.allows(r)).forEach(r -> denied.add(r.action() + " on " + r.resource()
          + " (e.g. " + r.why() + ")"));
      assertThat(denied).as("calls role " + role + " may not make").isEmpty();
    });

    // and no more than that: each role is refused what only the others do
    String stream = "arn:aws:kinesis:" + Deployment.CLOUD.region() + ":" + Deployment.CLOUD.account() + ":stream/"
        + deployment.job("location").defaultArguments().get("--STREAM_NAME");
    String finalObject = "arn:aws:s3:::" + deployment.job("combine").defaultArguments().get("--FINAL_PATH")
        .substring("s3://".length()) + "/vehicle_daily_summary/x.parquet";
    String curatedObject = "arn:aws:s3:::" + deployment.job("location").defaultArguments().get("--OUTPUT_PATH")
        .substring("s3://".length()) + "/location/events/x.parquet";
    IamPolicies crawler = IamPolicies.ofRole(deployment.plan(), streaming.replace("-streaming", "-crawler"));
    assertThat(IamPolicies.ofRole(deployment.plan(), combine).allows(
        new IamRequest("kinesis:GetRecords", stream, Map.of(), "combine reading a stream"))).isFalse();
    assertThat(IamPolicies.ofRole(deployment.plan(), combine).allows(
        new IamRequest("s3:PutObject", curatedObject, Map.of(), "combine writing the streams' output"))).isFalse();
    assertThat(IamPolicies.ofRole(deployment.plan(), streaming).allows(
        new IamRequest("s3:PutObject", finalObject, Map.of(), "a stream writing the final bucket"))).isFalse();
    assertThat(crawler.allows(new IamRequest("s3:GetObject", finalObject, Map.of(), "crawling"))).isTrue();
    assertThat(crawler.allows(new IamRequest("s3:PutObject", finalObject, Map.of(), "a crawler writing"))).isFalse();
    assertThat(crawler.allows(new IamRequest("secretsmanager:GetSecretValue",
        deployment.job("location").defaultArguments().get("--PG_SECRET_ID"), Map.of(), "a crawler's secret"))).isFalse();
  }

  /**
   * Each alarm Terraform makes on the streaming jobs' own metrics watches a metric the streaming runs
   * published: the same namespace, name and dimensions (the Glue job's name as Glue passes it in
   * JOB_NAME, the stream). The runs lost nothing: no expired gap and no unaccounted row, ever.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theJobsAlarmsWatchWhatTheStreamingJobsPublish() {
    assertThat(deployment.cloudWatch().refusals()).isEmpty();
    Terraform.Module monitoring = deployment.plan().child("monitoring");
    int streams = deployment.plan().child("kinesis").resource("aws_kinesis_stream", "this").size();
    // one per stream (each read by one job), and one per streaming job (location, sensor)
    Map<String, Integer> perAlarm = Map.of("consumer_lag", streams, "expired_gaps", streams, "unaccounted", 2);
    perAlarm.forEach((name, count) -> {
      Map<String, Terraform.Instance> alarms = monitoring.resource("aws_cloudwatch_metric_alarm", name);
      assertThat(alarms).as(name).hasSize(count);
      alarms.values().forEach(alarm -> {
        Map<String, Object> dimensions = (Map<String, Object>) alarm.argument("dimensions");
        List<LoopbackCloudWatch.Datum> published = deployment.cloudWatch().data().stream()
            .filter(d -> d.namespace().equals(alarm.argument("namespace"))
                && d.name().equals(alarm.argument("metric_name")) && d.dimensions().equals(dimensions)).toList();
        assertThat(published).as(name + " published for " + dimensions).isNotEmpty();
        if (!name.equals("consumer_lag")) {
          assertThat(published).as(name + " " + dimensions).allSatisfy(d -> assertThat(d.value()).isZero());
        }
      });
    });
  }

  @Test
  void theNotifierEmailsTheCombineRunThroughTheRuntimeInterfaceClient() {
    assertThat(notification.objects()).as("manifests the combine run wrote under the notification's prefix")
        .hasSize(1);
    assertThat(notification.initErrors()).as("init errors").isEmpty();
    assertThat(notification.outcomes()).singleElement().satisfies(o -> assertThat(o.error())
        .as("the function's error; its output is in " + notification.log()).isNull());
    String topic = deployment.notifier().environment().get("TOPIC_ARN");
    assertThat(deployment.sns().requests()).filteredOn(r -> topic.equals(r.get("TopicArn"))).singleElement()
        .satisfies(r -> assertThat(r.get("Subject")).startsWith("fleetstream: new final data, "));
  }

  /** Every call the notifier made is allowed by the notifier's role, and only those. */
  @Test
  void everyAwsCallOfTheNotifierIsAllowedByItsRole() {
    String role = deployment.notifier().roleName();
    IamPolicies policies = IamPolicies.ofRole(deployment.plan(), role);
    IamRequest.Mapper mapper = new IamRequest.Mapper(deployment.plan());
    List<IamRequest> requests = new ArrayList<>();
    deployment.s3Calls().stream().filter(c -> role.equals(c.principal())).forEach(c -> requests.addAll(mapper.kinesisOrS3(c)));
    String topic = deployment.notifier().environment().get("TOPIC_ARN");
    deployment.sns().requests().stream().filter(r -> topic.equals(r.get("TopicArn")))
        .forEach(r -> requests.addAll(mapper.snsPublish(topic)));
    assertThat(requests).extracting(IamRequest::action).contains("s3:GetObject", "s3:PutObject", "sns:Publish");
    Set<String> denied = new TreeSet<>();
    requests.stream().filter(r -> !policies.allows(r)).forEach(r -> denied.add(r.toString()));
    assertThat(denied).as("calls role " + role + " may not make").isEmpty();
  }

  private static String apiRole() {
    return deployment.api().roleName();
  }

  /**
   * The API's first version is published (its SnapStart init ends without error) before the
   * writer-login job has made its login or filled its secret: init opens nothing. Until then a read
   * is a 503 and the map is served; the same instance answers once the login exists (below).
   */
  @Test
  void theApiIsPublishedBeforeItsLoginExists() throws Exception {
    assertThat(publishedApi.initErrors()).as("init errors; the function's output is in " + publishedApi.log())
        .isEmpty();
    assertThat(beforeWriterLogin).extracting(HttpApi.Response::status).containsExactly(503, 200);
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(beforeWriterLogin.get(0).body())
        .get("error").asText()).isEqualTo("database_unavailable");
  }

  /**
   * The API's jar, started by Lambda's runtime interface client with Terraform's settings, answers
   * through the HTTP API's routes: the positions the jobs wrote, as its read-only login (which the
   * writer-login job made, from the secret Terraform gives it), a fix put on the stream, the public
   * map, and API Gateway's own 404 for what no route takes.
   */
  @Test
  void theApiAnswersFromWhatTheJobsWroteThroughTheHttpApisRoutes() throws Exception {
    List<HttpApi.Response> r = apiResponses;
    assertThat(r).extracting(HttpApi.Response::status).containsExactly(200, 200, 200, 404, 200, 200, 200, 200, 404);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(json.readTree(r.get(0).body()).get("features").size()).isEqualTo((int) TestPostgres.count(db,
        "SELECT count(*) FROM fleet.vehicle_position_latest"));
    List<List<Object>> latest = TestPostgres.rows(db, "SELECT event_id, longitude, latitude FROM "
        + "fleet.vehicle_position_latest WHERE vehicle_id = 'truck-001'");
    var truck = json.readTree(r.get(1).body());
    assertThat(List.of(truck.at("/properties/event_id").asText(), truck.at("/geometry/coordinates/0").asDouble(),
        truck.at("/geometry/coordinates/1").asDouble())).isEqualTo(latest.get(0));
    assertThat(json.readTree(r.get(2).body()).get("positions")).extracting(p -> p.get("event_id").asText())
        .containsExactlyElementsOf(TestPostgres.rows(db, "SELECT event_id FROM fleet.vehicle_position_history "
            + "WHERE vehicle_id = 'truck-001' ORDER BY event_time, event_id LIMIT 5").stream()
            .map(row -> (String) row.get(0)).toList());
    var posted = json.readTree(r.get(5).body());
    assertThat(List.of(posted.get("accepted").asInt(), posted.get("rejected").asInt(),
        posted.at("/results/1/reason").asText())).containsExactly(1, 1, "out_of_range:latitude");
    assertThat(r.get(6).body()).contains("<title>fleetstream: live map</title>");
    // the map signs in at Cognito's hosted UI with a code and PKCE, and its CSP lets it exchange the code there
    String oauth = deployment.api().environment().get("OAUTH_URL");
    assertThat(oauth).startsWith("https://").endsWith(".amazoncognito.com");
    assertThat(json.readTree(r.get(7).body())).isEqualTo(json.createObjectNode()
        .put("authorize_url", oauth + "/oauth2/authorize").put("token_url", oauth + "/oauth2/token")
        .put("client_id", deployment.api().environment().get("JWT_AUDIENCE")).put("scope", "openid"));
    assertThat(r.get(6).headers().get("Content-Security-Policy")).contains("connect-src 'self' " + oauth + ";");
    String locations = deployment.job("location").defaultArguments().get("--STREAM_NAME");
    assertThat(deployment.kinesisCalls()).filteredOn(c -> apiRole().equals(c.principal()))
        .extracting(AwsWireRecorder.Call::operation, AwsWireRecorder.Call::resource)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PutRecords", locations));
  }

  /** Every call the API made is allowed by its role; and the role is refused what it never needs. */
  @Test
  void everyAwsCallOfTheApiIsAllowedByItsRole() {
    String role = apiRole();
    IamPolicies policies = IamPolicies.ofRole(deployment.plan(), role);
    IamRequest.Mapper mapper = new IamRequest.Mapper(deployment.plan());
    List<IamRequest> requests = new ArrayList<>();
    deployment.kinesisCalls().stream().filter(c -> role.equals(c.principal())).forEach(c -> requests.addAll(mapper.kinesisOrS3(c)));
    deployment.s3Calls().stream().filter(c -> role.equals(c.principal())).forEach(c -> requests.addAll(mapper.kinesisOrS3(c)));
    deployment.secrets().requests().stream().filter(q -> role.equals(q.principal()))
        .forEach(q -> requests.addAll(mapper.secret(q.operation(), q.secretId())));
    assertThat(requests).extracting(IamRequest::action).contains("kinesis:PutRecords", "kms:GenerateDataKey",
        "secretsmanager:GetSecretValue", "kms:Decrypt", "s3:GetObject");
    Set<String> denied = new TreeSet<>();
    requests.stream().filter(q -> !policies.allows(q)).forEach(q -> denied.add(q.toString()));
    assertThat(denied).as("calls role " + role + " may not make").isEmpty();

    String stream = "arn:aws:kinesis:" + Deployment.CLOUD.region() + ":" + Deployment.CLOUD.account() + ":stream/"
        + deployment.job("location").defaultArguments().get("--STREAM_NAME");
    assertThat(policies.allows(new IamRequest("kinesis:GetRecords", stream, Map.of(), "the API reading the stream")))
        .isFalse();
    assertThat(policies.allows(new IamRequest("secretsmanager:GetSecretValue",
        deployment.job("location").defaultArguments().get("--PG_SECRET_ID"), Map.of(), "the writer's login"))).isFalse();
    assertThat(deployment.secrets().requests()).filteredOn(q -> role.equals(q.principal()))
        .extracting(LoopbackSecretsManager.Request::secretId).containsOnly(deployment.api().environment().get("PG_SECRET_ID"));
    assertThat(deployment.job(Deployment.WRITER_LOGIN).defaultArguments().get("--PG_READER_SECRET_ID"))
        .as("the writer-login job fills the API's secret").isEqualTo(deployment.api().environment().get("PG_SECRET_ID"));
  }
}
