package com.fleetstream.rehearsal.glue;

import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Glue job as Terraform defines it ({@code aws_glue_job}): what Glue itself reads from it to start a
 * run. Nothing here is written by a test.
 */
public record GlueJob(String name, String glueVersion, String command, String scriptLocation, String roleArn,
    Map<String, String> defaultArguments) {

  /** The name of the role the job runs as (its ARN's last part). */
  public String roleName() {
    return roleArn.substring(roleArn.indexOf(":role/") + ":role/".length());
  }

  @SuppressWarnings("unchecked")
  public static GlueJob of(Terraform.Instance job) {
    Map<String, String> args = new LinkedHashMap<>();
    ((Map<String, Object>) job.argument("default_arguments")).forEach((k, v) -> args.put(k, Expressions.string(v)));
    Map<String, Object> command = (Map<String, Object>) ((List<Object>) job.argument("command")).get(0);
    return new GlueJob(Expressions.string(job.get("name")), Expressions.string(job.argument("glue_version")),
        Expressions.string(command.get("name")), Expressions.string(command.get("script_location")),
        Expressions.string(job.argument("role_arn")), Map.copyOf(args));
  }

  public String mainClass() {
    String c = defaultArguments.get("--class");
    if (c == null || !"scala".equals(defaultArguments.get("--job-language"))) {
      throw new IllegalStateException(name + ": a Java job runs on Glue as --job-language scala with --class");
    }
    return c;
  }
}
