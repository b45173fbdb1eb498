package com.fleetstream.rehearsal;

import com.fleetstream.rehearsal.glue.GlueDriver;
import com.fleetstream.rehearsal.glue.GlueJob;
import com.fleetstream.rehearsal.lambda.HttpApi;
import com.fleetstream.rehearsal.lambda.LambdaFunction;
import com.fleetstream.rehearsal.s3.S3Objects;
import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.testkit.AwsWireRecorder;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.LoopbackCloudWatch;
import com.fleetstream.testkit.LoopbackLambdaRuntime;
import com.fleetstream.testkit.LoopbackSecretsManager;
import com.fleetstream.testkit.LoopbackSns;
import com.fleetstream.testkit.PostgresServer;
import com.fleetstream.testkit.ProjectPaths;
import com.fleetstream.testkit.S3Server;
import com.fleetstream.testkit.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An environment root of {@code terraform/} deployed on local servers as a user deploys it to AWS:
 * kinesalite holds the Kinesis module's streams, S3Mock the storage module's buckets; the Glue jar,
 * the job script and the notifier jar are uploaded where the job and function definitions look for
 * them; the PostgreSQL login is in a Secrets Manager stand-in under the secret the jobs are given; an
 * SNS stand-in has the alerts and notification topics. Glue job runs ({@link GlueDriver}) and the final
 * bucket's notification to the notifier ({@link LambdaFunction}) start from here.
 *
 * <p>Only endpoints are replaced by the local servers' (Kinesis through {@code KINESIS_ENDPOINT},
 * PostgreSQL through {@code PG_JDBC_URL}, S3, Secrets Manager, SNS and CloudWatch through the SDK's own
 * {@code AWS_ENDPOINT_URL_*} variables); buckets, streams, topics and the secret keep Terraform's
 * names and ARNs. Kinesis and S3 are reached through recording proxies, so every call the runs make
 * can be held against the role they run as.
 */
public final class Deployment implements AutoCloseable {
  /** The account and region every deployment is planned for. */
  public static final Terraform.Cloud CLOUD = Terraform.Cloud.TEST;
  /** The shards AWS gives an ON_DEMAND stream at creation. */
  private static final int ON_DEMAND_SHARDS = 4;

  private final Terraform.Module plan;
  /** The job that makes the streaming jobs' PostgreSQL login; run it once before them, as docs/deploy.md says. */
  public static final String WRITER_LOGIN = "writer-login";
  private final Map<String, GlueJob> jobs = new LinkedHashMap<>();
  private final LambdaFunction notifier;
  private final LambdaFunction api;
  private final HttpApi httpApi;
  private final Map<String, String> buckets = new LinkedHashMap<>();
  private final String jdbcUrl;
  private final Path work;
  private final List<AutoCloseable> servers = new ArrayList<>();
  private final List<Process> runs = new ArrayList<>();
  private KinesisEmulator kinesis;
  private AwsWireRecorder kinesisWire;
  private S3Server s3;
  private AwsWireRecorder s3Wire;
  private LoopbackSns sns;
  private LoopbackSecretsManager secrets;
  private LoopbackCloudWatch cloudWatch;
  private GlueDriver glue;

  /** What the final bucket's notification did: the objects it fired for and the function's outcomes. */
  public record Notification(List<S3Objects.Listed> objects, List<LoopbackLambdaRuntime.Outcome> outcomes,
      List<String> initErrors, Path log) {}

  @SuppressWarnings("unchecked")
  private Deployment(Terraform.Module plan, Path work, String jdbcUrl) {
    this.plan = plan;
    this.work = work;
    this.jdbcUrl = jdbcUrl;
    Terraform.Module glueModule = plan.child("glue");
    glueModule.resource("aws_glue_job", "streaming").forEach((k, j) -> jobs.put(k, GlueJob.of(j)));
    jobs.put("combine", GlueJob.of(glueModule.resource("aws_glue_job", "combine").get("")));
    jobs.put(WRITER_LOGIN, GlueJob.of(glueModule.resource("aws_glue_job", "writer_login").get("")));
    notifier = LambdaFunction.of(plan.child("notifier").resource("aws_lambda_function", "notifier").get(""));
    api = LambdaFunction.of(plan.child("api").resource("aws_lambda_function", "api").get(""));
    httpApi = new HttpApi(plan.child("api"));
    ((Map<String, Object>) plan.child("storage").output("bucket_ids")).forEach((k, v) -> buckets.put(k, (String) v));
  }

  /**
   * Plans {@code plan}'s resources on new local servers and uploads the shipped artifacts. Fails, as
   * {@code terraform plan} would, on a variable validation or precondition that does not hold.
   *
   * @param jdbcUrl the PostgreSQL the jobs reach instead of the RDS instance
   * @param dbUser the login the secret holds (the server trusts loopback, so no password is checked)
   */
  public static Deployment start(Terraform.Module plan, Path work, String jdbcUrl, String dbUser) throws Exception {
    List<String> failing = new ArrayList<>();
    plan.withDescendants().forEach(m -> m.validations().forEach((check, holds) -> {
      if (!holds) {
        failing.add(check);
      }
    }));
    if (!failing.isEmpty()) {
      throw new IllegalArgumentException("terraform plan would fail: " + String.join("; ", failing));
    }
    Deployment d = new Deployment(plan, Files.createDirectories(work), jdbcUrl);
    try {
      d.startServers(dbUser);
      d.uploadArtifacts();
      d.serveTls(dbUser);
      return d;
    } catch (Exception e) {
      d.close();
      throw e;
    }
  }

  private void startServers(String dbUser) {
    kinesis = serve(KinesisEmulator.start());
    kinesisWire = serve(AwsWireRecorder.kinesis(kinesis.endpoint()));
    for (Terraform.Instance stream : plan.child("kinesis").resource("aws_kinesis_stream", "this").values()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> mode = (Map<String, Object>) ((List<Object>) stream.argument("stream_mode_details")).get(0);
      kinesis.createStream(Expressions.string(stream.get("name")), "PROVISIONED".equals(mode.get("stream_mode"))
          ? Integer.parseInt(Expressions.string(stream.argument("shard_count"))) : ON_DEMAND_SHARDS);
    }
    s3 = serve(S3Server.start(ProjectPaths.root().resolve("aws-rehearsal/target/s3mock/s3mock.jar"),
        work.resolve("s3"), buckets.values().toArray(String[]::new)));
    s3Wire = serve(AwsWireRecorder.s3(s3.endpoint()));
    sns = serve(new LoopbackSns(job("location").defaultArguments().get("--ALERTS_TOPIC_ARN"),
        notifier.environment().get("TOPIC_ARN")));
    secrets = serve(new LoopbackSecretsManager());
    cloudWatch = serve(new LoopbackCloudWatch());
    // the RDS-managed master secret holds username and password; the writer's, made by Terraform
    // without a value, gets one from the writer-login job
    secrets.put(job(WRITER_LOGIN).defaultArguments().get("--PG_ADMIN_SECRET_ID"),
        "{\"username\":\"" + dbUser + "\",\"password\":\"rotated-by-rds\"}");
    secrets.declare(job(WRITER_LOGIN).defaultArguments().get("--PG_SECRET_ID"));
    secrets.declare(api.environment().get("PG_SECRET_ID"));
    glue = new GlueDriver(s3Wire.endpoint(), CLOUD.region(), Map.of(
        "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY,
        "AWS_ENDPOINT_URL_SNS", sns.endpoint().toString(),
        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString(),
        "AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.endpoint().toString()), work.resolve("glue"));
  }

  private <T extends AutoCloseable> T serve(T server) {
    servers.add(0, server);
    return server;
  }

  /** The jar where --extra-jars says, the placeholder script where the command says, the notifier's code. */
  private void uploadArtifacts() throws IOException, InterruptedException {
    Path script = Files.writeString(work.resolve("placeholder.scala"), "// the job runs the Java main named by --class\n");
    Path glueJar = ProjectPaths.root().resolve("jobs/target/fleetstream-jobs-glue.jar");
    for (GlueJob job : jobs.values()) {
      upload(URI.create(job.defaultArguments().get("--extra-jars")), glueJar);
      upload(URI.create(job.scriptLocation()), script);
    }
    upload(URI.create("s3://" + notifier.codeBucket() + "/" + notifier.codeKey()),
        ProjectPaths.root().resolve("lambda-notifier/target/fleetstream-notifier-lambda.jar"));
    upload(URI.create("s3://" + api.codeBucket() + "/" + api.codeKey()),
        ProjectPaths.root().resolve("api/target/fleetstream-api-lambda.jar"));
  }

  /**
   * RDS serves TLS with a certificate from its CA, whose bundle the user uploads where Terraform says
   * (PG_SSL_ROOT_CERT): here a CA of the deployment's own signs the local server's certificate, and its
   * certificate is the bundle, so the jobs' verify-full is checked for real.
   */
  private void serveTls(String dbUser) throws IOException, InterruptedException, java.sql.SQLException {
    TestCertificates certificates = TestCertificates.create(work.resolve("tls"));
    PostgresServer.enableTls(jdbcUrl, dbUser, certificates);
    Set<String> bundles = new TreeSet<>();
    jobs.values().forEach(j -> {
      String uri = j.defaultArguments().get("--PG_SSL_ROOT_CERT");
      if (uri != null) {
        bundles.add(uri);
      }
    });
    if (api.environment().containsKey("PG_SSL_ROOT_CERT")) {
      bundles.add(api.environment().get("PG_SSL_ROOT_CERT"));
    }
    for (String uri : bundles) {
      upload(URI.create(uri), certificates.caCertificate());
    }
  }

  /** Puts a file at an s3:// URI, as {@code aws s3 cp} does. */
  public void upload(URI s3Uri, Path file) throws IOException, InterruptedException {
    S3Objects.put(s3.endpoint(), s3Uri, file);
  }

  /**
   * Starts a run of {@code job}; {@code overrides} replace job arguments as a StartJobRun's Arguments
   * do. The Kinesis and PostgreSQL endpoints are the local servers' unless overridden.
   */
  public GlueDriver.Running start(String job, Map<String, String> overrides) throws IOException {
    GlueJob j = job(job);
    Map<String, String> args = new LinkedHashMap<>();
    if (j.defaultArguments().containsKey("--KINESIS_ENDPOINT")) {
      args.put("--KINESIS_ENDPOINT", kinesisWire.endpoint().toString());
    }
    if (j.defaultArguments().containsKey("--PG_JDBC_URL")) {
      args.put("--PG_JDBC_URL", jdbcUrl);
    }
    args.putAll(overrides);
    GlueDriver.Running run = glue.start(j, args);
    runs.add(run.process());
    return run;
  }

  /**
   * The final bucket's notification, as S3 sends it: each object in the bucket that the
   * notification's filter takes becomes an ObjectCreated event for the notifier, run by Lambda's
   * runtime interface client on the Runtime API stand-in.
   */
  @SuppressWarnings("unchecked")
  public Notification notifyFinal() throws Exception {
    Terraform.Instance notification = plan.child("notifier").resource("aws_s3_bucket_notification", "final").get("");
    Map<String, Object> target = (Map<String, Object>) ((List<Object>) notification.argument("lambda_function")).get(0);
    if (!List.of("s3:ObjectCreated:*").equals(target.get("events"))) {
      throw new IllegalStateException("the final bucket notifies on " + target.get("events")
          + "; this deployment sends ObjectCreated events only");
    }
    String bucket = (String) notification.argument("bucket");
    String suffix = (String) target.get("filter_suffix");
    List<S3Objects.Listed> created = S3Objects.list(s3.endpoint(), bucket, (String) target.get("filter_prefix"))
        .stream().filter(o -> o.key().endsWith(suffix)).toList();
    Path logs = work.resolve("lambda");
    if (created.isEmpty()) {
      return new Notification(created, List.of(), List.of(), logs);
    }
    List<LoopbackLambdaRuntime.Outcome> outcomes = new ArrayList<>();
    try (LoopbackLambdaRuntime runtime = new LoopbackLambdaRuntime((String) target.get("lambda_function_arn"))) {
      Process p = notifier.start(runtime.address(), s3.endpoint(), platform(notifier,
          Map.of("AWS_ENDPOINT_URL_SNS", sns.endpoint().toString())), logs);
      try {
        for (S3Objects.Listed o : created) {
          outcomes.add(runtime.invoke(S3Objects.objectCreatedEvent(CLOUD.region(), bucket, o),
              Duration.ofSeconds(notifier.timeoutSeconds())));
        }
      } finally {
        p.destroy();
        p.waitFor();
      }
      return new Notification(created, outcomes, runtime.initErrors(), logs);
    }
  }

  /**
   * What Lambda's environment gives {@code function} here: the region, its role's credentials (a key
   * named after the role, so each recorded call says whose it was), S3 through the recording proxy,
   * and {@code more}.
   */
  private Map<String, String> platform(LambdaFunction function, Map<String, String> more) {
    Map<String, String> env = new LinkedHashMap<>(Map.of("AWS_REGION", CLOUD.region(),
        "AWS_DEFAULT_REGION", CLOUD.region(), "AWS_ACCESS_KEY_ID", function.roleName(),
        "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY, "AWS_SESSION_TOKEN", "session-of-the-role",
        "AWS_ENDPOINT_URL_S3", s3Wire.endpoint().toString()));
    env.putAll(more);
    return env;
  }

  /** The subject of the token API Gateway's authorizer accepted for each {@link PublishedApi#call} request. */
  public static final String API_PRINCIPAL = "operator@example.com";

  /** A request to the API, as a client sends it through API Gateway with a token the authorizer accepted. */
  public record ApiRequest(String method, String path, String rawQuery, String body) {}

  /**
   * The API's function as Terraform publishes a version of it: Lambda's runtime interface client
   * starts the jar with Terraform's settings and runs its init, which ends where SnapStart takes the
   * snapshot: the runtime asks for the restore (or, without SnapStart, its first invocation), or
   * reports an init error. Its database is the
   * local server, its AWS calls go through the recording proxies signed as its role. Requests then go
   * to the same process, as to an instance restored from the snapshot.
   */
  public PublishedApi publishApi() throws Exception {
    Path logs = work.resolve("lambda");
    LoopbackLambdaRuntime runtime = new LoopbackLambdaRuntime(Expressions.string(
        plan.child("api").resource("aws_lambda_alias", "live").get("").get("arn")));
    Process p = api.start(runtime.address(), s3.endpoint(), platform(api, Map.of(
        "AWS_ENDPOINT_URL_KINESIS", kinesisWire.endpoint().toString(),
        // JSON rather than CBOR, so the recording proxy reads the stream each call names
        "AWS_CBOR_DISABLE", "true",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString(),
        // the local server instead of the RDS instance, as the Glue runs get it
        "PG_URL", jdbcUrl)), logs);
    PublishedApi published = new PublishedApi(runtime, p, logs);
    try {
      // Lambda gives a SnapStart init up to 10 minutes; a healthy one here takes seconds
      runtime.awaitInit(Duration.ofMinutes(2));
    } catch (Exception e) {
      published.close();
      throw new IllegalStateException("the API's init did not end; its output is in " + logs, e);
    }
    return published;
  }

  /** A published version of the API's function, answering through the HTTP API's routes. */
  public final class PublishedApi implements AutoCloseable {
    private final LoopbackLambdaRuntime runtime;
    private final Process process;
    private final Path log;

    private PublishedApi(LoopbackLambdaRuntime runtime, Process process, Path log) {
      this.runtime = runtime;
      this.process = process;
      this.log = log;
    }

    /** What the function reported at init: empty when the version was published. */
    public List<String> initErrors() {
      return runtime.initErrors();
    }

    public Path log() {
      return log;
    }

    /**
     * The requests, through the HTTP API's routes (404 where none takes one, as API Gateway answers),
     * each with a token the authorizer accepted for {@link #API_PRINCIPAL}.
     */
    public List<HttpApi.Response> call(List<ApiRequest> requests) throws Exception {
      List<HttpApi.Response> responses = new ArrayList<>();
      for (ApiRequest r : requests) {
        var event = httpApi.event(r.method(), r.path(), r.rawQuery(), r.body(), API_PRINCIPAL);
        if (event.isEmpty()) {
          responses.add(new HttpApi.Response(404, Map.of(), "{\"message\":\"Not Found\"}"));
          continue;
        }
        LoopbackLambdaRuntime.Outcome o = runtime.invoke(event.get(), Duration.ofSeconds(api.timeoutSeconds()));
        if (o.error() != null) {
          throw new IllegalStateException("the API function failed (" + o.error() + "): " + o.body()
              + "; its output is in " + log);
        }
        responses.add(HttpApi.response(o.body()));
      }
      return responses;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor();
      runtime.close();
    }
  }

  public LambdaFunction api() {
    return api;
  }

  public HttpApi httpApi() {
    return httpApi;
  }

  public Terraform.Module plan() {
    return plan;
  }

  /** A Glue job by its key in the glue module: {@code location}, {@code sensor} or {@code combine}. */
  public GlueJob job(String key) {
    GlueJob j = jobs.get(key);
    if (j == null) {
      throw new IllegalArgumentException("no Glue job " + key + "; the plan has " + jobs.keySet());
    }
    return j;
  }

  public Map<String, GlueJob> jobs() {
    return Map.copyOf(jobs);
  }

  public LambdaFunction notifier() {
    return notifier;
  }

  /** Bucket names by the storage module's keys (artifacts, curated, final, ...). */
  public Map<String, String> buckets() {
    return new TreeMap<>(buckets);
  }

  public KinesisEmulator kinesis() {
    return kinesis;
  }

  /** The S3 server itself, not its recording proxy: reading through it records nothing. */
  public URI s3Endpoint() {
    return s3.endpoint();
  }

  public LoopbackSns sns() {
    return sns;
  }

  public LoopbackCloudWatch cloudWatch() {
    return cloudWatch;
  }

  public LoopbackSecretsManager secrets() {
    return secrets;
  }

  /** Every Kinesis call the runs made, in order. */
  public List<AwsWireRecorder.Call> kinesisCalls() {
    return kinesisWire.calls();
  }

  /** Every S3 call the runs made (Glue's fetches, the jobs', the notifier's), in order. */
  public List<AwsWireRecorder.Call> s3Calls() {
    return s3Wire.calls();
  }

  /** Stops what is still running: runs first (as the job's timeout would), then the servers. */
  @Override
  public void close() {
    for (Process run : runs) {
      run.destroyForcibly();
    }
    for (AutoCloseable c : servers) {
      try {
        c.close();
      } catch (Exception ignored) {
        // the next one still closes
      }
    }
    servers.clear();
  }
}
