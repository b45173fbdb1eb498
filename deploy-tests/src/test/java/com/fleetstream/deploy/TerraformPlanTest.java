package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.deploy.terraform.Terraform;
import org.junit.jupiter.api.Test;

class TerraformPlanTest {
  @Test
  void smoke() {
    Terraform.Module dev = Terraform.environment("dev", Terraform.Cloud.TEST);
    Terraform.Module glue = dev.child("glue");
    glue.resource("aws_glue_job", "streaming").forEach((k, j) -> System.out.println(k + " " + j.argument("default_arguments") + " " + j.argument("command") + " " + j.get("role_arn")));
    System.out.println(glue.policyDocuments());
    glue.resource("aws_glue_crawler", "this").forEach((k, c) -> System.out.println(k + " " + c.argument("s3_target") + c.argument("delta_target")));
    assertThat(dev.moduleCalls()).isNotEmpty();
  }
}
