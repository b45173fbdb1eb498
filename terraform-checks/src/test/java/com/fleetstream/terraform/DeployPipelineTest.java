package com.fleetstream.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deploy pipeline (.github/workflows/deploy.yml), read as Actions reads it (anchors resolved):
 * it tests first, builds the jars Terraform and scripts/deploy.sh name, and for each environment of
 * terraform/envs, in order, plans, then applies behind the environment's approval in the order a new
 * account's first apply needs; every script and step it runs exists.
 */
class DeployPipelineTest {
  private static final Path REPO = TerraformStaticTest.repo();
  private static final Pattern SCRIPT = Pattern.compile("bash (\\S+\\.sh|\\.ci/run)");
  private static final Pattern DEPLOY_STEPS = Pattern.compile("bash scripts/deploy\\.sh \\S+ ([a-z -]+)");
  private static Map<String, Map<String, Object>> jobs;
  private static String deployScript;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void read() throws IOException {
    Map<String, Object> workflow = new Yaml().load(Files.readString(REPO.resolve(".github/workflows/deploy.yml")));
    jobs = (Map<String, Map<String, Object>>) workflow.get("jobs");
    deployScript = Files.readString(REPO.resolve("scripts/deploy.sh"));
  }

  private static List<String> environments() throws IOException {
    try (Stream<Path> dirs = Files.list(REPO.resolve("terraform/envs"))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> runs(String job) {
    List<String> runs = new ArrayList<>();
    for (Object step : (List<Object>) jobs.get(job).get("steps")) {
      Object run = ((Map<String, Object>) step).get("run");
      if (run != null) {
        runs.add(run.toString().replace("\"$DEPLOY_ENV\"", env(job)));
      }
    }
    return runs;
  }

  @SuppressWarnings("unchecked")
  private static String env(String job) {
    Object env = jobs.get(job).get("env");
    return env == null ? "" : String.valueOf(((Map<String, Object>) env).get("DEPLOY_ENV"));
  }

  @SuppressWarnings("unchecked")
  private static Set<String> needs(String job) {
    Object needs = jobs.get(job).get("needs");
    Set<String> all = new LinkedHashSet<>();
    for (Object n : needs == null ? List.of() : needs instanceof List<?> l ? l : List.of(needs)) {
      all.add((String) n);
      all.addAll(needs((String) n));
    }
    return all;
  }

  /** The steps scripts/deploy.sh takes, from its dispatch. */
  private static Set<String> deploySteps() {
    Matcher m = Pattern.compile("(?m)^    ([a-z| -]+)\\)").matcher(deployScript);
    Set<String> steps = new TreeSet<>();
    while (m.find()) {
      for (String s : m.group(1).split("\\|")) {
        steps.add(s.strip());
      }
    }
    return steps;
  }

  @Test
  void everyEnvironmentIsPlannedThenAppliedBehindItsApprovalInOrder() throws IOException {
    List<String> order = List.of("dev", "staging", "prod");
    assertThat(environments()).containsExactlyInAnyOrderElementsOf(order);
    for (int i = 0; i < order.size(); i++) {
      String env = order.get(i);
      assertThat(jobs).containsKeys("plan-" + env, "apply-" + env);
      assertThat(jobs.get("apply-" + env)).containsEntry("environment", env);
      assertThat(jobs.get("plan-" + env).get("environment")).isNotEqualTo(env).asString().startsWith(env);
      assertThat(env("plan-" + env)).isEqualTo(env);
      assertThat(env("apply-" + env)).isEqualTo(env);
      assertThat(needs("apply-" + env)).as("apply-" + env).contains("plan-" + env, "build", "test");
      if (i > 0) {
        assertThat(needs("plan-" + env)).as("plan-" + env + " after the environment before").contains(
            "apply-" + order.get(i - 1));
      }
      assertThat(runs("plan-" + env)).anyMatch(r -> r.startsWith("bash scripts/deploy.sh " + env + " init plan"))
          .noneMatch(r -> r.contains(" apply"));
      // a new account's first apply: the artifacts bucket, the jars into it, the rest, then the first runs
      assertThat(runs("apply-" + env)).contains(
          "bash scripts/deploy.sh " + env + " init storage upload plan apply first-runs");
    }
    assertThat(runs("test")).containsExactly("bash .ci/run");
    assertThat(needs("build")).containsExactly("test");
  }

  @Test
  void everyScriptAndStepThePipelineRunsExists() {
    Set<String> steps = deploySteps();
    assertThat(steps).contains("build", "init", "storage", "upload", "plan", "apply", "first-runs");
    for (String job : jobs.keySet()) {
      for (String run : runs(job)) {
        Matcher script = SCRIPT.matcher(run);
        while (script.find()) {
          assertThat(REPO.resolve(script.group(1))).as(job + ": " + run).isRegularFile();
        }
        Matcher deploy = DEPLOY_STEPS.matcher(run);
        while (deploy.find()) {
          assertThat(steps).as(job + ": " + run).containsAll(List.of(deploy.group(1).strip().split(" ")));
        }
      }
    }
  }

  /**
   * The root's provider selection is committed (https://developer.hashicorp.com/terraform/language/files/dependency-lock)
   * within its constraint, and the state is locked by S3's own lock file: DynamoDB locking is deprecated
   * (https://developer.hashicorp.com/terraform/language/backend/s3).
   */
  @Test
  @SuppressWarnings("unchecked")
  void theRootLocksItsProviderAndItsState() throws Exception {
    Path root = REPO.resolve("terraform/deployment");
    String versions = Files.readString(root.resolve("versions.tf"));
    Matcher constraint = Pattern.compile("source\\s*=\\s*\"hashicorp/aws\"\\s*version\\s*=\\s*\"([^\"]+)\"")
        .matcher(versions);
    assertThat(constraint.find()).isTrue();
    Map<String, Object> lock = new HCLParser().parse(
        root.resolve(".terraform.lock.hcl").toFile(), "UTF-8");
    Map<String, Object> aws = (Map<String, Object>) ((Map<String, Object>) lock.get("provider"))
        .get("registry.terraform.io/hashicorp/aws");
    assertThat(aws).as("terraform/deployment").containsEntry("constraints", constraint.group(1));
    int[] v = Arrays.stream(aws.get("version").toString().split("\\.")).mapToInt(Integer::parseInt).toArray();
    assertThat(v[0]).as("within " + constraint.group(1)).isEqualTo(5);
    assertThat(v[1]).isGreaterThanOrEqualTo(80);
    assertThat((List<String>) aws.get("hashes")).isNotEmpty().allMatch(h -> h.matches("(zh:[0-9a-f]{64}|h1:.+=)"));
    assertThat(versions).contains("required_version = \">= 1.11.0\"").doesNotContain("dynamodb_table");
    String backend = Files.readString(REPO.resolve("terraform/envs/backend.hcl.example"));
    assertThat(backend).contains("use_lockfile = true").doesNotContain("dynamodb_table =");
    assertThat(deployScript).contains("-backend-config=\"$dir/backend.hcl\"", "TF_DATA_DIR=\"$dir/.terraform\"");
  }

  /** The jars the build job hands on are the ones deploy.sh uploads and Terraform hashes. */
  @Test
  @SuppressWarnings("unchecked")
  void theBuildHandsOnTheJarsTheDeploymentUploadsAndTerraformHashes() throws IOException {
    Map<String, Object> upload = ((List<Map<String, Object>>) jobs.get("build").get("steps")).stream()
        .filter(s -> String.valueOf(s.get("uses")).startsWith("actions/upload-artifact")).findFirst().orElseThrow();
    List<String> jars = List.of(((Map<String, Object>) upload.get("with")).get("path").toString().strip().split("\\s+"));
    assertThat(jars).hasSize(3).allSatisfy(jar -> assertThat(deployScript).contains("aws s3 cp " + jar + " "));
    String root = Files.readString(REPO.resolve("terraform/deployment/main.tf"));
    Matcher hashed = Pattern.compile("filebase64sha256\\(\"\\$\\{path.root}/../../([^\"]+)\"\\)").matcher(root);
    List<String> terraformJars = new ArrayList<>();
    while (hashed.find()) {
      terraformJars.add(hashed.group(1));
    }
    assertThat(terraformJars).hasSize(2);
    assertThat(jars).containsAll(terraformJars);
  }
}
