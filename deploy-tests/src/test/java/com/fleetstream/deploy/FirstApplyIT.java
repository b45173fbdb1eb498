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

  /**
   * Publishing the API's version runs its SnapStart init (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html),
   * and the provider neither waits for that version nor publishes the same jar again on a re-apply
   * (terraform-provider-aws #42693, #49904): the role's policy and the network's endpoints exist first.
   * That its init opens nothing is rehearsed in DeployedPipelineIT (published before any login exists).
   */
  @Test
  void theApisFirstVersionIsPublishedAfterItsPolicyAndTheEndpoints() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      assertThat(root.dependsOn("module", "api")).as(env).contains("module.network");
      assertThat(root.child("api").dependsOn("aws_lambda_function", "api")).as(env).contains("aws_iam_role_policy.api");
    }
  }

  /**
   * Every role trusts its AWS service only on behalf of this account, and so does the ops topic
   * (the confused-deputy guard, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
   */
  @Test
  void servicePrincipalsAreTrustedOnlyForThisAccount() throws Exception {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      List<Map<String, Object>> trusting = new ArrayList<>();
      for (Terraform.Module m : root.withDescendants()) {
        for (Map<String, Terraform.Instance> byKey : m.resources("aws_iam_role").values()) {
          for (Terraform.Instance role : byKey.values()) {
            trusting.addAll(statements(role.argument("assume_role_policy")));
          }
        }
      }
      trusting.addAll(statements(only(root.child("monitoring"), "aws_sns_topic_policy", "ops").argument("policy")));
      assertThat(trusting.stream().filter(s -> String.valueOf(s.get("Principal")).contains("Service")))
          .as(env).hasSizeGreaterThan(5).allSatisfy(s -> assertThat(String.valueOf(s.get("Condition")))
              .as(String.valueOf(s.get("Principal"))).contains("aws:SourceAccount").contains("123456789012"));
    }
  }

  /**
   * The key the ops topic is encrypted with: CloudWatch alarms may use it for this account, and
   * EventBridge's rules (the Glue failure emails) for this pipeline's topics. EventBridge's requests to
   * KMS carry no aws:SourceAccount, so a condition on it dropped every delivery; SNS puts the topic in
   * the encryption context (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
   */
  @Test
  void rulesAndAlarmsMayEncryptForTheOpsTopicOnly() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      IamPolicies key = IamPolicies.ofResource("the data key", Expressions.string(
          only(root.child("storage"), "aws_kms_key", "data").argument("policy")));
      String ops = Expressions.string(only(root.child("monitoring"), "aws_sns_topic", "ops").get("arn"));
      String resource = Expressions.string(only(root.child("storage"), "aws_kms_key", "data").get("arn"));
      String context = "kms:EncryptionContext:aws:sns:topicArn";
      // what EventBridge's delivery to the encrypted topic asks KMS: no source account in it
      assertThat(key.allowsService("events.amazonaws.com", new IamRequest("kms:GenerateDataKey", resource,
          Map.of(context, ops), "a Glue failure email"))).as(env).isTrue();
      assertThat(key.allowsService("events.amazonaws.com", new IamRequest("kms:GenerateDataKey", resource,
          Map.of(context, ops.replace("123456789012", "210987654321")), "another account's topic"))).isFalse();
      assertThat(key.allowsService("events.amazonaws.com", new IamRequest("kms:Decrypt", resource, Map.of(),
          "outside SNS"))).isFalse();
      assertThat(key.allowsService("cloudwatch.amazonaws.com", new IamRequest("kms:GenerateDataKey", resource,
          Map.of("aws:SourceAccount", "123456789012"), "an alarm"))).isTrue();
      assertThat(key.allowsService("cloudwatch.amazonaws.com", new IamRequest("kms:GenerateDataKey", resource,
          Map.of("aws:SourceAccount", "210987654321"), "another account's alarm"))).isFalse();
    }
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
    IamPolicies restart = IamPolicies.ofRoleArn(root, machineRole);
    String jobs = "arn:aws:glue:eu-central-1:123456789012:job/";
    assertThat(restart.allows(new IamRequest("glue:StartJobRun", jobs + "fleetstream-dev-location-streaming", Map.of(),
        "restart"))).isTrue();
    assertThat(restart.allows(new IamRequest("glue:StartJobRun", jobs + "fleetstream-dev-combine", Map.of(),
        "restart the combine job"))).isFalse();
    String eventsRole = Expressions.string(target.argument("role_arn"));
    assertThat(IamPolicies.ofRoleArn(root, eventsRole).allows(new IamRequest(
        "states:StartExecution", Expressions.string(machine.get("arn")), Map.of(), "the rule's target"))).isTrue();

    Terraform.Instance alarm = only(monitoring, "aws_cloudwatch_metric_alarm", "restarts");
    assertThat(Expressions.string(alarm.argument("namespace"))).isEqualTo("AWS/States");
    assertThat(Expressions.string(alarm.argument("metric_name"))).isEqualTo("ExecutionsStarted");
    assertThat((List<Object>) alarm.argument("alarm_actions")).containsExactly(
        Expressions.string(only(monitoring, "aws_sns_topic", "ops").get("arn")));
  }

  /**
   * Glue's state-change events are best effort: every 10 minutes a backstop looks at each streaming
   * job's latest run (glue:GetJobRuns) and starts a job whose run ended FAILED, TIMEOUT or ERROR; a
   * running, stopped or never-run job is left alone. The machine's Choice is evaluated here as Step
   * Functions does, on GetJobRuns answers of each kind.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aStreamingJobWhoseFailureEventIsLostIsStartedByTheBackstop() throws Exception {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST);
    Terraform.Module monitoring = root.child("monitoring");
    Terraform.Instance machine = only(monitoring, "aws_sfn_state_machine", "backstop");
    Map<String, Object> definition = JSON.readValue(Expressions.string(machine.argument("definition")), Map.class);
    Map<String, Object> states = (Map<String, Object>) definition.get("States");
    Map<String, Object> latest = (Map<String, Object>) states.get(definition.get("StartAt"));
    assertThat(latest).containsEntry("Resource", "arn:aws:states:::aws-sdk:glue:getJobRuns")
        .containsEntry("Parameters", Map.of("JobName.$", "$.jobName", "MaxResults", 1));
    Map<String, String> after = new java.util.TreeMap<>();
    for (String state : List.of("FAILED", "TIMEOUT", "ERROR", "RUNNING", "STARTING", "STOPPING", "STOPPED",
        "SUCCEEDED", "WAITING", "none")) {
      Map<String, Object> input = Map.of("jobName", "fleetstream-dev-location-streaming", (String) latest.get(
          "ResultPath").toString().substring(2), Map.of("JobRuns", state.equals("none") ? List.of()
              : List.of(Map.of("JobName", "fleetstream-dev-location-streaming", "JobRunState", state))));
      after.put(state, afterChoices(states, (String) latest.get("Next"), input));
    }
    assertThat(after).containsEntry("FAILED", "StartJobRun").containsEntry("TIMEOUT", "StartJobRun")
        .containsEntry("ERROR", "StartJobRun");
    after.keySet().removeAll(List.of("FAILED", "TIMEOUT", "ERROR"));
    assertThat(after.values()).as("left alone").allSatisfy(next -> assertThat(next).isNotEqualTo("StartJobRun"));
    Map<String, Object> start = (Map<String, Object>) states.get("StartJobRun");
    assertThat(start).containsEntry("Resource", "arn:aws:states:::glue:startJobRun")
        .containsEntry("Parameters", Map.of("JobName.$", "$.jobName"));

    // a target per streaming job, each naming its job, on a 10-minute schedule
    Terraform.Instance rule = only(monitoring, "aws_cloudwatch_event_rule", "backstop");
    assertThat(Expressions.string(rule.argument("schedule_expression"))).isEqualTo("rate(10 minutes)");
    List<String> targeted = new ArrayList<>();
    monitoring.resource("aws_cloudwatch_event_target", "backstop").values().forEach(t -> {
      assertThat(Expressions.string(t.argument("arn"))).isEqualTo(Expressions.string(machine.get("arn")));
      try {
        targeted.add((String) JSON.readValue(Expressions.string(t.argument("input")), Map.class).get("jobName"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      String eventsRole = Expressions.string(t.argument("role_arn"));
      assertThat(IamPolicies.ofRoleArn(root, eventsRole).allows(
          new IamRequest("states:StartExecution", Expressions.string(machine.get("arn")), Map.of(), "the schedule")))
          .isTrue();
    });
    assertThat(targeted).containsExactlyInAnyOrder("fleetstream-dev-location-streaming",
        "fleetstream-dev-sensor-streaming");
    String machineRole = Expressions.string(machine.argument("role_arn"));
    IamPolicies role = IamPolicies.ofRoleArn(root, machineRole);
    String jobs = "arn:aws:glue:eu-central-1:123456789012:job/";
    for (String action : List.of("glue:GetJobRuns", "glue:StartJobRun")) {
      assertThat(role.allows(new IamRequest(action, jobs + "fleetstream-dev-sensor-streaming", Map.of(), "backstop")))
          .as(action).isTrue();
      assertThat(role.allows(new IamRequest(action, jobs + "fleetstream-dev-combine", Map.of(), "not streaming")))
          .as(action).isFalse();
    }
  }

  /**
   * The first state that is no Choice, from {@code state} on, as Step Functions goes for {@code input}
   * (And, Or, IsPresent, StringEquals; a rule reading a path the input lacks is an error there, so here).
   */
  @SuppressWarnings("unchecked")
  private static String afterChoices(Map<String, Object> states, String state, Map<String, Object> input) {
    Map<String, Object> choice = (Map<String, Object>) states.get(state);
    if (!"Choice".equals(choice.get("Type"))) {
      return state;
    }
    for (Object rule : (List<Object>) choice.get("Choices")) {
      if (holds((Map<String, Object>) rule, input)) {
        return afterChoices(states, (String) ((Map<String, Object>) rule).get("Next"), input);
      }
    }
    return afterChoices(states, (String) choice.get("Default"), input);
  }

  @SuppressWarnings("unchecked")
  private static boolean holds(Map<String, Object> rule, Map<String, Object> input) {
    if (rule.containsKey("And")) {
      return ((List<Object>) rule.get("And")).stream().allMatch(r -> holds((Map<String, Object>) r, input));
    }
    if (rule.containsKey("Or")) {
      return ((List<Object>) rule.get("Or")).stream().anyMatch(r -> holds((Map<String, Object>) r, input));
    }
    Object value = input;
    for (String step : ((String) rule.get("Variable")).substring(2).split("\\.")) {
      java.util.regex.Matcher indexed = java.util.regex.Pattern.compile("(\\w+)\\[(\\d+)]").matcher(step);
      if (indexed.matches()) {
        Object list = value instanceof Map<?, ?> m ? m.get(indexed.group(1)) : null;
        int i = Integer.parseInt(indexed.group(2));
        value = list instanceof List<?> l && l.size() > i ? l.get(i) : null;
      } else {
        value = value instanceof Map<?, ?> m ? m.get(step) : null;
      }
    }
    if (rule.containsKey("IsPresent")) {
      return (value != null) == (Boolean) rule.get("IsPresent");
    }
    if (rule.containsKey("StringEquals")) {
      if (value == null) {
        throw new IllegalStateException("States.Runtime: " + rule.get("Variable") + " is not in the input");
      }
      return rule.get("StringEquals").equals(value);
    }
    throw new IllegalArgumentException("a Choice rule this test does not evaluate: " + rule);
  }

  /**
   * Every fix is a history row kept 90 days: at 10,000 vehicles the old 50 GB filled in about a day.
   * The storage is the sizing table's for the fleet (a measured bytes-per-row figure), gp3 pinned
   * (the provider's default is gp2), may grow by autoscaling, and operations hear before it is full
   * or when writes slow (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html).
   */
  @Test
  @SuppressWarnings("unchecked")
  void postgresHoldsTheFleetsHistoryAndAlarmsBeforeItIsFull() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      Terraform.Instance db = only(root.child("postgres"), "aws_db_instance", "this");
      int allocated = Integer.parseInt(Expressions.string(db.argument("allocated_storage")));
      assertThat(allocated).as(env).isEqualTo(Integer.parseInt(Expressions.string(
          root.child("sizing").output("postgres_storage_gb")))).isGreaterThan(50);
      assertThat(Expressions.string(db.argument("storage_type"))).isEqualTo("gp3");
      assertThat(Integer.parseInt(Expressions.string(db.argument("max_allocated_storage")))).isGreaterThan(allocated);
      Terraform.Module monitoring = root.child("monitoring");
      String ops = Expressions.string(only(monitoring, "aws_sns_topic", "ops").get("arn"));
      for (String alarm : List.of("postgres_free_storage", "postgres_write_latency")) {
        Terraform.Instance a = only(monitoring, "aws_cloudwatch_metric_alarm", alarm);
        assertThat(Expressions.string(a.argument("namespace"))).isEqualTo("AWS/RDS");
        assertThat((Map<String, Object>) a.argument("dimensions")).containsEntry("DBInstanceIdentifier",
            Expressions.string(db.get("identifier")));
        assertThat((List<Object>) a.argument("alarm_actions")).containsExactly(ops);
      }
      assertThat(new java.math.BigDecimal(Expressions.string(only(monitoring, "aws_cloudwatch_metric_alarm",
          "postgres_free_storage").argument("threshold")))).isEqualByComparingTo(
              java.math.BigDecimal.valueOf(allocated * 100_000_000L));
    }
    Terraform.Module more = Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("fleet_vehicles", "10000"));
    assertThat(Integer.parseInt(Expressions.string(only(more.child("postgres"), "aws_db_instance", "this")
        .argument("allocated_storage")))).as("ten times the fleet").isGreaterThan(Integer.parseInt(Expressions.string(
            only(Terraform.environment("dev", Terraform.Cloud.TEST).child("postgres"), "aws_db_instance", "this")
                .argument("allocated_storage"))));
    assertThat(failing(Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("postgres_storage_gb", "10"))))
        .isNotEmpty().allSatisfy(check -> assertThat(check).contains("20 to 65536"));
    assertThat(failing(Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("ops_email_subscribers",
        List.of("ops at example.com"))))).isNotEmpty().allSatisfy(check -> assertThat(check).contains("email"));
  }

  /** The variable validations and preconditions of the plan, in every module, that do not hold. */
  private static List<String> failing(Terraform.Module root) {
    return root.allValidations().entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
  }

  /**
   * Interface endpoints with private DNS need the VPC's enableDnsSupport and enableDnsHostnames
   * (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html), which a VPC
   * made by aws_vpc has off; the S3 gateway endpoint needs the subnets' route tables. Both are refused
   * at plan, naming the fix, not by CreateVpcEndpoint halfway through the first apply.
   */
  @Test
  void theEndpointsAreRefusedAtPlanWithoutTheVpcsDnsAttributesOrRouteTables() {
    assertThat(Terraform.environment("dev", Terraform.Cloud.TEST).allValidations()).doesNotContainValue(false);
    Terraform.Cloud hostnamesOff = Terraform.Cloud.TEST.withNetwork(Terraform.Network.TEST.withoutDnsHostnames());
    assertThat(failing(Terraform.environment("dev", hostnamesOff))).as("each interface endpoint").hasSize(8)
        .allSatisfy(check -> assertThat(check).contains("enableDnsHostnames"));
    assertThat(Terraform.environment("dev", hostnamesOff, Map.of("create_vpc_endpoints", "false")).allValidations())
        .as("no endpoints, no DNS needed").doesNotContainValue(false);
    assertThat(failing(Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("private_route_table_ids", List.of()))))
        .singleElement().asString().contains("route_table_ids");
  }

  /** The Glue connection's zone is read from its subnet: a zone given apart could name another. */
  @Test
  @SuppressWarnings("unchecked")
  void theConnectionsZoneIsItsSubnets() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      Map<String, Object> placement = (Map<String, Object>) ((List<Object>) only(root.child("glue"),
          "aws_glue_connection", "postgres").argument("physical_connection_requirements")).get(0);
      String subnet = Expressions.string(placement.get("subnet_id"));
      assertThat(Expressions.string(placement.get("availability_zone"))).as(env)
          .isEqualTo(Terraform.Network.TEST.subnetZones().get(subnet));
    }
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
