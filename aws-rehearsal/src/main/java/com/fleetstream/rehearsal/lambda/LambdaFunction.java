package com.fleetstream.rehearsal.lambda;

import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.rehearsal.s3.S3Objects;
import com.fleetstream.testkit.ProjectPaths;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java Lambda function as Terraform defines it ({@code aws_lambda_function}), started as the java17
 * managed runtime starts one: its code fetched from {@code s3_bucket}/{@code s3_key}, AWS's runtime
 * interface client ({@code aws-lambda-java-runtime-interface-client}, aws-rehearsal/lambda-runtime) as
 * the main, the handler and the function's environment from Terraform, the variables Lambda sets
 * itself, and a heap sized from {@code memory_size}. With {@code snap_start} on published versions,
 * init runs as Lambda runs it when it publishes one ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}).
 */
public record LambdaFunction(String name, String runtime, String handler, int memoryMb, int timeoutSeconds,
    String roleArn, String codeBucket, String codeKey, Map<String, String> environment, boolean snapStart) {

  /** The name of the role the function runs as (its ARN's last part). */
  public String roleName() {
    return roleArn.substring(roleArn.indexOf(":role/") + ":role/".length());
  }

  @SuppressWarnings("unchecked")
  public static LambdaFunction of(Terraform.Instance f) {
    Map<String, String> env = new LinkedHashMap<>();
    Object environment = f.argument("environment");
    if (environment instanceof List<?> l && !l.isEmpty()) {
      ((Map<String, Object>) ((Map<String, Object>) l.get(0)).get("variables"))
          .forEach((k, v) -> env.put(k, Expressions.string(v)));
    }
    return new LambdaFunction(Expressions.string(f.get("function_name")), Expressions.string(f.argument("runtime")),
        Expressions.string(f.argument("handler")), Integer.parseInt(Expressions.string(f.argument("memory_size"))),
        Integer.parseInt(Expressions.string(f.argument("timeout"))), Expressions.string(f.argument("role")),
        Expressions.string(f.argument("s3_bucket")), Expressions.string(f.argument("s3_key")), env,
        f.argument("snap_start") instanceof List<?> snap && !snap.isEmpty()
            && "PublishedVersions".equals(((Map<String, Object>) snap.get(0)).get("apply_on")));
  }

  /**
   * Starts the function's runtime against a Runtime API at {@code runtimeApi}.
   *
   * @param s3 the S3 server the code is fetched from (Lambda's own fetch, not the function's)
   * @param platform what Lambda's environment adds: region, the role's credentials, endpoints
   */
  public Process start(String runtimeApi, URI s3, Map<String, String> platform, Path work) throws IOException,
      InterruptedException {
    if (!runtime.equals("java17")) {
      throw new IllegalStateException(name + ": runtime " + runtime + "; a rehearsed deployment runs java17 functions");
    }
    Path task = Files.createDirectories(work.resolve("task"));
    // Lambda's service fetches the code with the deployer's rights, not the function's role
    Path code = S3Objects.get(s3, URI.create("s3://" + codeBucket + "/" + codeKey),
        task.resolve(Path.of(codeKey).getFileName().toString()), "lambda-service");
    String ric = Files.readString(ProjectPaths.root().resolve("aws-rehearsal/lambda-runtime/target/lambda.classpath"))
        .trim();
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // the java17 runtime's own JVM options: a heap within the function's memory, serial GC, C1 only
        "-Xmx" + (memoryMb * 85 / 100) + "m", "-XX:+UseSerialGC", "-XX:+TieredCompilation",
        "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
        "-cp", code + java.io.File.pathSeparator + ric,
        "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.putAll(environment);
    env.putAll(platform);
    env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
    env.put("_HANDLER", handler);
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java17");
    env.put("AWS_LAMBDA_FUNCTION_NAME", name);
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "deploy-test");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", snapStart ? "snap-start" : "on-demand");
    env.put("LAMBDA_TASK_ROOT", task.toString());
    return pb.start();
  }
}
