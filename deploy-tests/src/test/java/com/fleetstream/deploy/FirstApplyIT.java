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

  /** The notifier may list its own prefixes (a missing manifest is then NoSuchKey, not 403), nothing else. */
  @Test
  void theNotifierMayListItsPrefixesOnly() {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST);
    IamPolicies notifier = IamPolicies.ofRole(root, "fleetstream-dev-notifier");
    String bucket = "arn:aws:s3:::fleetstream-dev-final-123456789012-eu-central-1";
    assertThat(notifier.allows(new IamRequest("s3:ListBucket", bucket, Map.of("s3:prefix", "_manifests/run-1.json"),
        "a manifest"))).isTrue();
    assertThat(notifier.allows(new IamRequest("s3:ListBucket", bucket, Map.of("s3:prefix", "vehicle_daily_summary/"),
        "the data"))).isFalse();
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
