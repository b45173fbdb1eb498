package com.fleetstream.rehearsal.glue;

import com.fleetstream.rehearsal.s3.S3Objects;
import com.fleetstream.testkit.ProjectPaths;
import com.fleetstream.testkit.S3Server;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Glue job run the way Glue 5.0 does for a Java job: a driver JVM whose classpath is the
 * libraries Glue provides (aws-rehearsal/glue-runtime, at Glue 5.0's published versions), plus Delta's
 * when {@code --datalake-formats delta} asks for it, plus the job's {@code --extra-jars} fetched from
 * S3; {@code --conf} becomes Spark configuration as spark-submit makes it; the main of {@code --class}
 * gets every job argument and the ones Glue adds itself. What stands in for Glue's platform, and only
 * that, is given here: a local master, s3:// through S3A (Glue 5.0 uses EMRFS, which is not open
 * source) on the S3 server, and the role's credentials and the endpoints in the environment.
 */
public final class GlueDriver {
  private final URI s3Endpoint;
  private final String region;
  private final Map<String, String> environment;
  private final Path logs;

  /**
   * @param s3Endpoint where s3:// is served (the recording proxy in front of the S3 server)
   * @param environment what the role and the VPC give a Glue run: credentials, the region and the
   *     endpoints of the services the job reaches without a job argument (AWS_ENDPOINT_URL_...)
   */
  public GlueDriver(URI s3Endpoint, String region, Map<String, String> environment, Path logs) {
    this.s3Endpoint = s3Endpoint;
    this.region = region;
    this.environment = environment;
    this.logs = logs;
  }

  /** A run under way: its driver process, writing to {@code log}. */
  public record Running(GlueJob job, Process process, Path log) {
    /** Waits for the end, at most {@code timeoutSeconds}; a run that overruns is killed and fails. */
    public Run await(long timeoutSeconds) throws InterruptedException {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException(job.name() + " did not finish within " + timeoutSeconds + " s; see " + log);
      }
      return new Run(job.name(), process.exitValue(), log);
    }
  }

  /** A finished run: its exit code and where the driver's output is. */
  public record Run(String job, int exitCode, Path log) {
    /**
     * Why the driver ended, from its log: the main thread's exception and its causes without their
     * stack frames, or the log's last lines when there is none. CI keeps the tests' output, not the
     * drivers' logs, so a failed run's assertion carries this.
     */
    public String ending() {
      List<String> lines;
      try {
        lines = Files.readAllLines(log);
      } catch (IOException e) {
        return "its log is unreadable: " + e;
      }
      int main = -1;
      for (int i = lines.size() - 1; i >= 0 && main < 0; i--) {
        if (lines.get(i).startsWith("Exception in thread")) {
          main = i;
        }
      }
      if (main < 0) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      }
      List<String> why = new ArrayList<>(List.of(lines.get(main)));
      lines.subList(main + 1, lines.size()).stream().filter(l -> l.startsWith("Caused by:")).forEach(why::add);
      return String.join("\n", why);
    }
  }

  /** Starts a run; {@code overrides} replace job arguments, as a StartJobRun's Arguments do. */
  public Running start(GlueJob job, Map<String, String> overrides) throws IOException {
    Map<String, String> arguments = new LinkedHashMap<>(job.defaultArguments());
    arguments.putAll(overrides);
    String runId = "jr_" + UUID.randomUUID().toString().replace("-", "");
    // what Glue adds to every run of a Spark job
    arguments.putIfAbsent("--JOB_ID", "j_" + UUID.nameUUIDFromBytes(job.name().getBytes()).toString().replace("-", ""));
    arguments.put("--JOB_RUN_ID", runId);
    arguments.put("--JOB_NAME", job.name());
    arguments.putIfAbsent("--TempDir", "s3://aws-glue-assets-" + region + "/temporary/");
    arguments.putIfAbsent("--job-bookmark-option", "job-bookmark-disable");

    List<String> classpath = new ArrayList<>(classpath("glue.classpath"));
    if (arguments.getOrDefault("--datalake-formats", "").contains("delta")) {
      classpath.addAll(classpath("delta.classpath"));
    }
    Path jars = Files.createDirectories(logs.resolve(runId));
    // Glue reads the script before it starts the driver, even when --class names the main
    fetch(URI.create(job.scriptLocation()), jars, job.roleName());
    for (String jar : arguments.getOrDefault("--extra-jars", "").split(",")) {
      if (!jar.isBlank()) {
        classpath.add(fetch(URI.create(jar.trim()), jars, job.roleName()).toString());
      }
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the JVM options Spark's launcher gives a driver on Java 17 (Glue's included)
    command.addAll(Files.readAllLines(ProjectPaths.root().resolve("etc/java17-spark.args")));
    // A rehearsed run lasts a minute or two over a few thousand rows: HotSpot's C2 compiler spends
    // more CPU than it saves there (a streaming run of the deploy tests: 80 s with it, 65 s without,
    // 2 cores). Only the JIT's tiers differ from Glue's driver; what the code does is the same.
    // Stopping at C1 also shrinks HotSpot's default code cache from 240 MB to 48 MB, which Spark's
    // generated classes and Delta's MERGE fill: a location run died of "VirtualMachineError: Out of
    // space in CodeCache for adapters". The size Glue's driver has by default restores the headroom.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:ReservedCodeCacheSize=240m");
    command.add("-Xmx2g");
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, classpath));
    sparkConf(job, arguments).forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add(job.mainClass());
    arguments.forEach((k, v) -> {
      command.add(k);
      command.add(v);
    });

    Path log = logs.resolve(job.name() + "-" + runId + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(environment);
    // the role's credentials: a key named after the role, so each recorded call says whose it was
    pb.environment().put("AWS_ACCESS_KEY_ID", job.roleName());
    pb.environment().put("AWS_REGION", region);
    return new Running(job, pb.start(), log);
  }

  /** Spark configuration of the run: Glue's platform (local here), then the job's own --conf. */
  private Map<String, String> sparkConf(GlueJob job, Map<String, String> arguments) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[2]");
    conf.put("spark.app.name", job.name());
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.hadoop.fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    S3Server.s3aSettings(s3Endpoint, region, false).forEach((k, v) -> conf.put("spark.hadoop." + k, v));
    String extra = arguments.get("--conf");
    if (extra != null) {
      // Glue's documented way to pass several: "k1=v1 --conf k2=v2"
      for (String kv : extra.split("\\s+--conf\\s+")) {
        int eq = kv.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(job.name() + ": --conf " + kv + " is not key=value");
        }
        conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return conf;
  }

  private List<String> classpath(String file) throws IOException {
    Path f = ProjectPaths.root().resolve("aws-rehearsal/glue-runtime/target").resolve(file);
    return List.of(Files.readString(f).trim().split(java.io.File.pathSeparator));
  }

  /** Copies s3://bucket/key from the S3 server, as Glue copies the script and --extra-jars. */
  private Path fetch(URI s3, Path dir, String role) throws IOException {
    if (!"s3".equals(s3.getScheme())) {
      throw new IllegalArgumentException("--extra-jars takes s3:// paths, got " + s3);
    }
    try {
      return S3Objects.get(s3Endpoint, s3, dir.resolve(Path.of(s3.getPath()).getFileName().toString()), role);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted fetching " + s3, e);
    }
  }
}
