package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.deploy.iam.IamPolicies;
import com.fleetstream.deploy.iam.IamRequest;
import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.testkit.ProjectPaths;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a review of {@code terraform/} against AWS's documentation found would break on a first apply
 * or soon after, each checked on the plan of every environment.
 */
class FirstApplyIT {
  private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Terraform.Instance only(Terraform.Module m, String type, String name) {
    return m.resource(type, name).values().iterator().next();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(Object policy) throws Exception {
    Object st = JSON.readValue(Expressions.string(policy), Map.class).get("Statement");
    return st instanceof List<?> l ? (List<Map<String, Object>>) l : List.of((Map<String, Object>) st);
  }

  /** Without a hash (or object version) a new jar at the same key changes nothing, and the alias stays on the old code. */
  @Test
  void aNewNotifierJarAtTheSameKeyUpdatesTheFunction() throws Exception {
    String built = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(
        ProjectPaths.root().resolve("lambda-notifier/target/fleetstream-notifier-lambda.jar"))));
    for (String env : ENVIRONMENTS) {
      Terraform.Instance function = only(Terraform.environment(env, Terraform.Cloud.TEST).child("notifier"),
          "aws_lambda_function", "notifier");
      assertThat(Expressions.string(function.argument("source_code_hash"))).as(env).isEqualTo(built);
      assertThat(Expressions.truthy(function.argument("publish"))).as(env + ": versions for the SnapStart alias").isTrue();
    }
  }

  /**
   * An invocation Lambda ends at its timeout leaves its claim: Lambda retries a minute after the
   * failure and again two minutes later, and the first retry must find the claim stale (never a live
   * invocation's), or no retry sends the email. Before, claims went stale after 300 s, past both.
   */
  @Test
  void aClaimLeftByATimedOutNotifierIsStaleByLambdasFirstRetry() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module notifier = Terraform.environment(env, Terraform.Cloud.TEST).child("notifier");
      com.fleetstream.rehearsal.lambda.LambdaFunction function = com.fleetstream.rehearsal.lambda.LambdaFunction.of(
          only(notifier, "aws_lambda_function", "notifier"));
      int stale = Integer.parseInt(function.environment().get("STALE_CLAIM_SECONDS"));
      assertThat(stale).as(env).isGreaterThan(function.timeoutSeconds()).isLessThan(function.timeoutSeconds() + 60);
      assertThat(Integer.parseInt(Expressions.string(only(notifier, "aws_lambda_function_event_invoke_config", "live")
          .argument("maximum_retry_attempts")))).as(env).isPositive();
    }
  }

  /** An hourly combine run still going when the next is due: the next waits instead of failing. */
  @Test
  void anOverrunningCombineRunMakesTheNextWait() {
    for (String env : ENVIRONMENTS) {
      Terraform.Instance combine = only(Terraform.environment(env, Terraform.Cloud.TEST).child("glue"),
          "aws_glue_job", "combine");
      assertThat(Expressions.truthy(combine.argument("job_run_queuing_enabled"))).as(env).isTrue();
    }
  }

  /** Every S3 action over plain HTTP is denied, not only the four the jobs use. */
  @Test
  void everyBucketDeniesEveryActionOverPlainHttp() throws Exception {
    for (String env : ENVIRONMENTS) {
      List<Terraform.Instance> policies = List.copyOf(Terraform.environment(env, Terraform.Cloud.TEST).child("storage")
          .resource("aws_s3_bucket_policy", "tls_only").values());
      assertThat(policies).hasSize(4);
      for (Terraform.Instance p : policies) {
        assertThat(statements(p.argument("policy"))).anySatisfy(s -> {
          assertThat(s).containsEntry("Effect", "Deny");
          assertThat(String.valueOf(s.get("Action"))).isIn("s3:*", "[s3:*]");
          assertThat(String.valueOf(s.get("Condition"))).contains("aws:SecureTransport").contains("false");
        });
      }
    }
  }

  /**
   * The notifier may list the final bucket, so a missing manifest is NoSuchKey, not 403: S3 decides
   * that on ListBucket with no prefix in the request, so the grant cannot be narrowed by s3:prefix.
   */
  @Test
  void theNotifierMayListTheFinalBucket() {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST);
    IamPolicies notifier = IamPolicies.ofRole(root, "fleetstream-dev-notifier");
    String bucket = "arn:aws:s3:::fleetstream-dev-final-123456789012-eu-central-1";
    assertThat(notifier.allows(new IamRequest("s3:ListBucket", bucket, Map.of(), "a missing manifest"))).isTrue();
    assertThat(notifier.allows(new IamRequest("s3:ListBucket",
        "arn:aws:s3:::fleetstream-dev-curated-123456789012-eu-central-1", Map.of(), "another bucket"))).isFalse();
  }

  /** The key and the ops topic trust AWS services only on behalf of this account (the confused-deputy guard). */
  @Test
  void servicePrincipalsAreTrustedOnlyForThisAccount() throws Exception {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST);
    List<Map<String, Object>> trusting = new ArrayList<>();
    trusting.addAll(statements(only(root.child("storage"), "aws_kms_key", "data").argument("policy")));
    trusting.addAll(statements(only(root.child("monitoring"), "aws_sns_topic_policy", "ops").argument("policy")));
    List<Map<String, Object>> services = trusting.stream()
        .filter(s -> String.valueOf(s.get("Principal")).contains("Service")).toList();
    assertThat(services).hasSize(2).allSatisfy(s -> {
      assertThat(String.valueOf(s.get("Principal"))).doesNotContain("s3.amazonaws.com");
      assertThat(String.valueOf(s.get("Condition"))).contains("aws:SourceAccount").contains("123456789012");
    });
  }

  /**
   * A streaming job runs until stopped and nothing else restarts it: a run that fails or times out is
   * started again after a pause (EventBridge, then a Step Functions task calling glue:StartJobRun with
   * the job's name from the event), a run an operator stopped is not, the combine job (hourly) is not,
   * and an alarm goes to operations when restarts keep coming.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aFailedStreamingRunIsStartedAgainAndKeepsFailingRaisesAnAlarm() throws Exception {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST);
    Terraform.Module monitoring = root.child("monitoring");
    Map<String, Object> pattern = JSON.readValue(Expressions.string(
        only(monitoring, "aws_cloudwatch_event_rule", "streaming_failed").argument("event_pattern")), Map.class);
    for (String job : List.of("fleetstream-dev-location-streaming", "fleetstream-dev-sensor-streaming")) {
      assertThat(matches(pattern, glueEvent(job, "FAILED"))).as(job + " FAILED").isTrue();
      assertThat(matches(pattern, glueEvent(job, "TIMEOUT"))).as(job + " TIMEOUT").isTrue();
      assertThat(matches(pattern, glueEvent(job, "STOPPED"))).as(job + " STOPPED by an operator").isFalse();
      assertThat(matches(pattern, glueEvent(job, "SUCCEEDED"))).as(job + " SUCCEEDED").isFalse();
    }
    assertThat(matches(pattern, glueEvent("fleetstream-dev-combine", "FAILED"))).as("the hourly combine job").isFalse();

    Terraform.Instance machine = only(monitoring, "aws_sfn_state_machine", "restart");
    Terraform.Instance target = only(monitoring, "aws_cloudwatch_event_target", "restart");
    assertThat(Expressions.string(target.argument("arn"))).isEqualTo(Expressions.string(machine.get("arn")));
    Map<String, Object> definition = JSON.readValue(Expressions.string(machine.argument("definition")), Map.class);
    Map<String, Object> states = (Map<String, Object>) definition.get("States");
    Map<String, Object> pause = (Map<String, Object>) states.get(definition.get("StartAt"));
    assertThat(pause).containsEntry("Type", "Wait").containsEntry("Seconds", 120);
    Map<String, Object> start = (Map<String, Object>) states.get(pause.get("Next"));
    assertThat(start).containsEntry("Resource", "arn:aws:states:::glue:startJobRun")
        .containsEntry("Parameters", Map.of("JobName.$", "$.detail.jobName"));

    String machineRole = Expressions.string(machine.argument("role_arn"));
    IamPolicies restart = IamPolicies.ofRole(root, machineRole.substring(machineRole.indexOf(":role/") + 6));
    String jobs = "arn:aws:glue:eu-central-1:123456789012:job/";
    assertThat(restart.allows(new IamRequest("glue:StartJobRun", jobs + "fleetstream-dev-location-streaming", Map.of(),
        "restart"))).isTrue();
    assertThat(restart.allows(new IamRequest("glue:StartJobRun", jobs + "fleetstream-dev-combine", Map.of(),
        "restart the combine job"))).isFalse();
    String eventsRole = Expressions.string(target.argument("role_arn"));
    assertThat(IamPolicies.ofRole(root, eventsRole.substring(eventsRole.indexOf(":role/") + 6)).allows(new IamRequest(
        "states:StartExecution", Expressions.string(machine.get("arn")), Map.of(), "the rule's target"))).isTrue();

    Terraform.Instance alarm = only(monitoring, "aws_cloudwatch_metric_alarm", "restarts");
    assertThat(Expressions.string(alarm.argument("namespace"))).isEqualTo("AWS/States");
    assertThat(Expressions.string(alarm.argument("metric_name"))).isEqualTo("ExecutionsStarted");
    assertThat((List<Object>) alarm.argument("alarm_actions")).containsExactly(
        Expressions.string(only(monitoring, "aws_sns_topic", "ops").get("arn")));
  }

  /**
   * The jobs run in the Glue connection's private subnet: S3 is reached through a gateway endpoint on
   * the subnets' route tables, every other API their roles call through an interface endpoint with
   * private DNS that takes HTTPS from the jobs' security group. With create_vpc_endpoints = false (a NAT
   * gateway serves them) none is made.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theJobsReachEveryServiceTheyCallFromTheirPrivateSubnet() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      Terraform.Module network = root.child("network");
      String region = root.cloud().region();
      // every service the Glue roles allow calls to
      java.util.Set<String> called = new java.util.TreeSet<>();
      for (String role : List.of("streaming", "combine", "login")) {
        IamPolicies.ofRole(root, "fleetstream-" + env + "-glue-" + role).actions()
            .forEach(a -> called.add(a.substring(0, a.indexOf(':'))));
      }
      called.remove("ec2"); // the network interfaces Glue itself makes, not calls from the subnet
      assertThat(called).contains("kinesis", "s3", "secretsmanager", "sns", "kms", "logs", "cloudwatch", "glue");
      java.util.Map<String, String> endpointOf = Map.of("kinesis", "kinesis-streams", "cloudwatch", "monitoring");
      Map<String, Terraform.Instance> interfaces = network.resource("aws_vpc_endpoint", "interface");
      for (String service : called) {
        if (service.equals("s3")) {
          continue;
        }
        Terraform.Instance e = interfaces.get(endpointOf.getOrDefault(service, service));
        assertThat(e).as(env + ": an interface endpoint for " + service).isNotNull();
        assertThat(Expressions.string(e.argument("service_name")))
            .isEqualTo("com.amazonaws." + region + "." + endpointOf.getOrDefault(service, service));
        assertThat(Expressions.truthy(e.argument("private_dns_enabled"))).isTrue();
        assertThat((List<Object>) e.argument("subnet_ids")).contains(
            Expressions.string(root.child("glue").resource("aws_glue_connection", "postgres").get("")
                .argument("physical_connection_requirements") instanceof List<?> l
                ? ((Map<String, Object>) l.get(0)).get("subnet_id") : null));
      }
      assertThat(interfaces).containsKey("sts");
      Terraform.Instance s3 = network.resource("aws_vpc_endpoint", "s3").get("endpoints");
      assertThat(Expressions.string(s3.argument("vpc_endpoint_type"))).isEqualTo("Gateway");
      assertThat((List<Object>) s3.argument("route_table_ids")).isNotEmpty();
      Terraform.Instance https = network.resource("aws_vpc_security_group_ingress_rule", "https_from_jobs")
          .get("endpoints");
      assertThat(Expressions.string(https.argument("referenced_security_group_id"))).isEqualTo(
          Expressions.string(root.child("postgres").resource("aws_security_group", "glue").get("").get("id")));
      assertThat(https.argument("from_port").toString()).isEqualTo("443");
    }
    Terraform.Module withNat = Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("create_vpc_endpoints", false));
    assertThat(withNat.child("network").resource("aws_vpc_endpoint", "interface")).isEmpty();
    assertThat(withNat.child("network").resource("aws_vpc_endpoint", "s3")).isEmpty();
  }

  /** Spark UI event logs and observability metrics for every job, and each job's role may write the logs. */
  @Test
  void everyJobWritesSparkEventLogsAndObservabilityMetrics() {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST);
    Map<String, Map<String, Terraform.Instance>> jobs = root.child("glue").resources("aws_glue_job");
    List<Terraform.Instance> all = new ArrayList<>();
    jobs.values().forEach(byKey -> all.addAll(byKey.values()));
    assertThat(all).hasSize(4);
    for (Terraform.Instance job : all) {
      com.fleetstream.rehearsal.glue.GlueJob j = com.fleetstream.rehearsal.glue.GlueJob.of(job);
      assertThat(j.defaultArguments()).as(j.name()).containsEntry("--enable-spark-ui", "true")
          .containsEntry("--enable-observability-metrics", "true").containsEntry("--enable-metrics", "true");
      String logs = j.defaultArguments().get("--spark-event-logs-path");
      assertThat(logs).as(j.name()).startsWith("s3://").endsWith("/");
      String object = "arn:aws:s3:::" + logs.substring("s3://".length()) + "app-1.inprogress";
      IamPolicies role = IamPolicies.ofRole(root, j.roleName());
      for (String action : List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject")) {
        assertThat(role.allows(new IamRequest(action, object, Map.of(), "event log"))).as(j.name() + " " + action)
            .isTrue();
      }
    }
  }

  /** The raw Parquet copies expire after raw_parquet_retention_days; the Delta tables and checkpoints never do. */
  @Test
  @SuppressWarnings("unchecked")
  void rawParquetExpiresAndNothingElseDoes() {
    Terraform.Module storage = Terraform.environment("dev", Terraform.Cloud.TEST).child("storage");
    Map<String, Terraform.Instance> lifecycles = storage.resource("aws_s3_bucket_lifecycle_configuration", "this");
    for (Map.Entry<String, Terraform.Instance> bucket : lifecycles.entrySet()) {
      List<String> expiring = new ArrayList<>();
      for (Object r : (List<Object>) bucket.getValue().argument("rule")) {
        Map<String, Object> rule = (Map<String, Object>) r;
        if (rule.get("expiration") != null) {
          Map<String, Object> filter = ((List<Map<String, Object>>) rule.get("filter")).get(0);
          Map<String, Object> expiration = ((List<Map<String, Object>>) rule.get("expiration")).get(0);
          assertThat(expiration.get("days").toString()).isEqualTo("90");
          expiring.add((String) filter.get("prefix"));
        }
      }
      assertThat(expiring).as(bucket.getKey()).isEqualTo(bucket.getKey().equals("curated")
          ? List.of("location/", "sensor/") : List.of());
    }
    assertThat(failures(Map.of("raw_parquet_retention_days", java.math.BigDecimal.TEN)))
        .anyMatch(f -> f.contains("raw_parquet_retention_days"));
  }

  /**
   * PostgreSQL only over TLS, verified: the server forces it (parameter group), its certificate comes
   * from a CA the jobs are given (RDS's bundle in the artifacts bucket, which each job's role may read),
   * and analysts' statements are bounded.
   */
  @Test
  @SuppressWarnings("unchecked")
  void postgresIsReachedOverVerifiedTlsOnly() {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST);
    Terraform.Module postgres = root.child("postgres");
    Terraform.Instance db = only(postgres, "aws_db_instance", "this");
    Terraform.Instance parameters = only(postgres, "aws_db_parameter_group", "this");
    assertThat(Expressions.string(db.argument("parameter_group_name"))).isEqualTo(Expressions.string(parameters.get("name")));
    assertThat(Expressions.string(db.argument("ca_cert_identifier"))).isEqualTo("rds-ca-rsa2048-g1");
    Map<String, String> values = new java.util.TreeMap<>();
    for (Object p : (List<Object>) parameters.argument("parameter")) {
      values.put((String) ((Map<String, Object>) p).get("name"), Expressions.string(((Map<String, Object>) p).get("value")));
    }
    assertThat(values).containsEntry("rds.force_ssl", "1").containsEntry("statement_timeout", "300000");
    for (String job : List.of("location", "sensor", "writer_login")) {
      Terraform.Module glue = root.child("glue");
      Terraform.Instance instance = job.equals("writer_login") ? only(glue, "aws_glue_job", "writer_login")
          : glue.resource("aws_glue_job", "streaming").get(job);
      com.fleetstream.rehearsal.glue.GlueJob j = com.fleetstream.rehearsal.glue.GlueJob.of(instance);
      String bundle = j.defaultArguments().get("--PG_SSL_ROOT_CERT");
      assertThat(bundle).as(j.name()).isEqualTo("s3://fleetstream-dev-artifacts-123456789012-eu-central-1/certs/rds-ca-bundle.pem");
      assertThat(IamPolicies.ofRole(root, j.roleName()).allows(new IamRequest("s3:GetObject",
          "arn:aws:s3:::" + bundle.substring("s3://".length()), Map.of(), "the CA bundle"))).as(j.name()).isTrue();
    }
  }

  /**
   * The Glue catalog's databases and the crawlers are named per account: two environments in one
   * account would collide on them. Each root pins its one account, and no two the same.
   */
  @Test
  @SuppressWarnings("unchecked")
  void eachEnvironmentPinsAnAccountOfItsOwn() throws Exception {
    java.util.Set<Object> accounts = new java.util.HashSet<>();
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      List<Object> pinned = (List<Object>) root.variable("allowed_account_ids");
      assertThat(pinned).as(env).hasSize(1);
      assertThat(accounts.add(pinned.get(0))).as(env + ": an account no other environment uses").isTrue();
      assertThat(Files.readString(root.dir().resolve("main.tf"))).as(env + " provider")
          .containsPattern("provider \"aws\" \\{[^}]*allowed_account_ids\\s*=\\s*var\\.allowed_account_ids");
    }
    assertThat(failures(Map.of("allowed_account_ids", List.of("12345")))).anyMatch(f -> f.contains("allowed_account_ids"));
  }

  private static Map<String, Object> glueEvent(String job, String state) {
    return Map.of("source", "aws.glue", "detail-type", "Glue Job State Change",
        "detail", Map.of("jobName", job, "state", state, "jobRunId", "jr_1"));
  }

  /** EventBridge's matching for patterns of value lists and nested objects (all this Terraform uses). */
  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> pattern, Map<String, Object> event) {
    for (Map.Entry<String, Object> p : pattern.entrySet()) {
      Object value = event.get(p.getKey());
      if (p.getValue() instanceof Map<?, ?> nested) {
        if (!(value instanceof Map<?, ?> m) || !matches((Map<String, Object>) nested, (Map<String, Object>) m)) {
          return false;
        }
      } else if (!((List<Object>) p.getValue()).contains(value)) {
        return false;
      }
    }
    return true;
  }

  /** Values that would deploy something unsafe or unworkable stop the plan, naming the variable. */
  @Test
  void unsafeOrOutOfRangeValuesAreRefused() {
    assertThat(failures(Map.of("analyst_cidr_blocks", List.of("0.0.0.0/0")))).anyMatch(f -> f.contains("analyst_cidr_blocks"));
    assertThat(failures(Map.of("analyst_cidr_blocks", List.of("10.20.0.0/16")))).isEmpty();
    assertThat(failures(Map.of("glue_streaming_workers", java.math.BigDecimal.ZERO))).anyMatch(f -> f.contains("glue_streaming_workers"));
    assertThat(failures(Map.of("kinesis_location_shards", java.math.BigDecimal.ZERO))).anyMatch(f -> f.contains("location_shards"));
  }

  private static List<String> failures(Map<String, Object> vars) {
    List<String> failed = new ArrayList<>();
    for (Terraform.Module m : Terraform.environment("dev", Terraform.Cloud.TEST, vars).withDescendants()) {
      m.validations().forEach((what, holds) -> {
        if (!holds) {
          failed.add(what);
        }
      });
    }
    return failed;
  }
}
