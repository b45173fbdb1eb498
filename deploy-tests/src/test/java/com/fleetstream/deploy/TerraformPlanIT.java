package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.rehearsal.glue.GlueJob;
import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each environment planned as Terraform would plan it (for a test account): every variable's
 * validation and every resource's precondition holds, and the Glue version the jobs ask for is the
 * one the build compiles against and the deploy tests run.
 */
class TerraformPlanIT {
  /** What AWS's Glue release notes list per version: Spark, Delta Lake, Hadoop. */
  private static final Map<String, List<String>> GLUE_RELEASES = Map.of(
      "5.0", List.of("3.5.4", "3.3.0", "3.4.1"),
      "5.1", List.of("3.5.6", "3.3.2", "3.4.1"));
  private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");

  @Test
  void everyValidationAndPreconditionHolds() {
    for (String env : ENVIRONMENTS) {
      Terraform.Module root = Terraform.environment(env, Terraform.Cloud.TEST);
      List<String> checked = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (Terraform.Module m : root.withDescendants()) {
        m.validations().forEach((what, holds) -> {
          checked.add(what);
          if (!holds) {
            failed.add(what);
          }
        });
      }
      assertThat(failed).as(env + ": validations and preconditions that fail").isEmpty();
      assertThat(checked).as(env).hasSizeGreaterThan(10);
    }
  }

  @Test
  void theGlueVersionOfEveryJobIsTheOneTheBuildAndTheDeployTestsUse() {
    String glueVersion = System.getProperty("fleetstream.glueVersion");
    assertThat(GLUE_RELEASES).containsKey(glueVersion);
    assertThat(List.of(System.getProperty("fleetstream.sparkVersion"), System.getProperty("fleetstream.deltaVersion"),
        System.getProperty("fleetstream.glueHadoopVersion"))).as("Spark, Delta, Hadoop of the build")
        .isEqualTo(GLUE_RELEASES.get(glueVersion));
    for (String env : ENVIRONMENTS) {
      Terraform.Module glue = Terraform.environment(env, Terraform.Cloud.TEST).child("glue");
      List<GlueJob> jobs = new ArrayList<>();
      glue.resources("aws_glue_job").values().forEach(byKey -> byKey.values().forEach(j -> jobs.add(GlueJob.of(j))));
      assertThat(jobs).hasSize(4).allSatisfy(j -> assertThat(j.glueVersion()).as(env + " " + j.name())
          .isEqualTo(glueVersion));
      assertThat(jobs).allSatisfy(j -> assertThat(j.defaultArguments()).as(j.name())
          .containsEntry("--datalake-formats", "delta").containsKey("--class").containsKey("--extra-jars"));
    }
  }

  /** Per-metric streams and contract files, as a user sets them in terraform.tfvars, reach the jobs' arguments. */
  @Test
  void extraSensorStreamsAndContractsReachTheJobsAndTheirStreamsExist() {
    Terraform.Module root = Terraform.environment("dev", Terraform.Cloud.TEST, Map.of(
        "kinesis_extra_sensor_streams", List.of("temperature", "humidity", "energy"),
        "sensor_contract_key", "contracts/sensors.json", "location_contract_key", "contracts/trucks.json"));
    Map<String, Map<String, String>> arguments = new java.util.TreeMap<>();
    root.child("glue").resources("aws_glue_job").values().forEach(byKey -> byKey.values()
        .forEach(j -> arguments.put(GlueJob.of(j).name(), GlueJob.of(j).defaultArguments())));
    String artifacts = "s3://fleetstream-dev-artifacts-123456789012-eu-central-1";
    String sensors = "fleetstream-dev-sensors,fleetstream-dev-sensors-temperature,fleetstream-dev-sensors-humidity,"
        + "fleetstream-dev-sensors-energy";
    assertThat(arguments.get("fleetstream-dev-sensor-streaming"))
        .containsEntry("--STREAM_NAMES", sensors)
        .doesNotContainKey("--STREAM_NAME")
        .containsEntry("--CONTRACT", artifacts + "/contracts/sensors.json")
        .containsEntry("--CHECKPOINT_PATH", "s3://fleetstream-dev-checkpoints-123456789012-eu-central-1/streaming/"
            + sensors.replace(',', '+'));
    assertThat(arguments.get("fleetstream-dev-location-streaming"))
        .containsEntry("--STREAM_NAME", "fleetstream-dev-locations")
        .containsEntry("--CONTRACT", artifacts + "/contracts/trucks.json");
    assertThat(root.child("kinesis").resources("aws_kinesis_stream").get("this")).containsOnlyKeys(
        "locations", "sensors", "sensors-temperature", "sensors-humidity", "sensors-energy");

    // by default: one stream each, the built-in contracts
    Terraform.Module plain = Terraform.environment("dev", Terraform.Cloud.TEST);
    plain.child("glue").resources("aws_glue_job").values().forEach(byKey -> byKey.values().forEach(j ->
        assertThat(GlueJob.of(j).defaultArguments()).doesNotContainKeys("--CONTRACT", "--STREAM_NAMES")));
  }

  /**
   * glue_run_mode scheduled: each streaming job becomes a Glue ETL job of the Flex class (which runs
   * G.1X or G.2X only), sized from the sizing table's scheduled column, that drains its streams and
   * stops (the arguments {@code FieldConditionsIT}'s runs over a growing stream use), started by a
   * trigger of its own; continuous, the default, keeps Glue streaming jobs and no such trigger.
   */
  @Test
  @SuppressWarnings("unchecked")
  void scheduledRunsAreFlexEtlJobsThatDrainTheStreamsAndStopOnTheirSchedule() {
    Terraform.Module glue = Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("glue_run_mode", "scheduled"))
        .child("glue");
    Map<String, Terraform.Instance> jobs = glue.resource("aws_glue_job", "streaming");
    assertThat(jobs).containsOnlyKeys("location", "sensor");
    jobs.values().forEach(job -> {
      GlueJob j = GlueJob.of(job);
      assertThat(j.command()).as(j.name()).isEqualTo("glueetl");
      assertThat(Expressions.string(job.argument("execution_class"))).isEqualTo("FLEX");
      assertThat(Expressions.string(job.argument("worker_type"))).isEqualTo("G.1X");
      assertThat(Integer.parseInt(Expressions.string(job.argument("number_of_workers")))).isGreaterThanOrEqualTo(2);
      assertThat(Expressions.string(job.argument("job_run_queuing_enabled"))).isEqualTo("true");
      assertThat(j.defaultArguments()).containsEntry("--STOP_WHEN_DRAINED", "true")
          .containsEntry("--MAX_RUN_SECONDS", "2700").containsEntry("--TRIGGER_INTERVAL", "1 second")
          .containsEntry("--WINDOWS_TRIGGER_INTERVAL", "1 second");
    });
    Map<String, Terraform.Instance> triggers = glue.resource("aws_glue_trigger", "streaming");
    assertThat(triggers).containsOnlyKeys("location", "sensor");
    triggers.forEach((job, trigger) -> {
      assertThat(Expressions.string(trigger.argument("type"))).isEqualTo("SCHEDULED");
      assertThat(Expressions.string(trigger.argument("schedule"))).isEqualTo("cron(0/15 * * * ? *)");
      Map<String, Object> action = (Map<String, Object>) ((List<Object>) trigger.argument("actions")).get(0);
      assertThat(Expressions.string(action.get("job_name"))).isEqualTo(Expressions.string(jobs.get(job).get("name")));
    });

    Terraform.Module continuous = Terraform.environment("dev", Terraform.Cloud.TEST).child("glue");
    continuous.resource("aws_glue_job", "streaming").values().forEach(job -> {
      assertThat(GlueJob.of(job).command()).isEqualTo("gluestreaming");
      assertThat(GlueJob.of(job).defaultArguments()).doesNotContainKeys("--STOP_WHEN_DRAINED", "--MAX_RUN_SECONDS");
    });
    assertThat(continuous.resource("aws_glue_trigger", "streaming")).isEmpty();
    assertThat(Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("glue_run_mode", "hourly")).allValidations())
        .containsValue(false);
  }

  private static List<Terraform.Module> modules(Terraform.Module root) {
    List<Terraform.Module> all = new ArrayList<>(List.of(root));
    for (String name : root.moduleCalls()) {
      all.addAll(modules(root.child(name)));
    }
    return all;
  }
}
