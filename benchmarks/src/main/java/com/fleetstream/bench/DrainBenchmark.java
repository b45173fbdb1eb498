package com.fleetstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The location job alone, draining a pre-filled stream ({@link DrainRun}), this code against a
 * baseline revision's: the baseline's modules are built from {@code git} in a worktree under
 * {@code benchmarks/target/}, and each side runs in a JVM of its own, in the order baseline, ours,
 * ours, baseline, so that a machine getting slower or faster during the run weighs on both alike.
 * The figures are each side's two runs averaged.
 */
final class DrainBenchmark {
  /** The code before issue 39's changes to the events batch. */
  static final String DEFAULT_BASELINE = "33ada6c";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DrainBenchmark() {}

  static List<Results.Row> run(Path repo, long fixes, String baselineRevision) throws Exception {
    String ours = System.getProperty("java.class.path");
    String baseline = baselineClasspath(repo, baselineRevision, ours);
    Path dir = Files.createDirectories(repo.resolve("benchmarks/target/drain"));
    List<JsonNode> a = new ArrayList<>();
    List<JsonNode> b = new ArrayList<>();
    String[] order = {"baseline", "ours", "ours", "baseline"};
    for (int i = 0; i < order.length; i++) {
      boolean isOurs = order[i].equals("ours");
      Path out = dir.resolve(i + "-" + order[i] + ".json");
      side(repo, isOurs ? ours : baseline, fixes, out);
      (isOurs ? b : a).add(JSON.readTree(out.toFile()));
    }
    a.forEach(n -> System.out.println("baseline, profile of the drain: " + n.path("profile").asText()));
    b.forEach(n -> System.out.println("ours, profile of the drain: " + n.path("profile").asText()));
    String base = "the same at " + baselineRevision + ": the location job alone, all sinks, " + fixes
        + " fixes pre-filled in " + DrainRun.SHARDS + " shards, batches of <= " + DrainRun.PER_BATCH
        + "; ABBA in separate JVMs";
    List<Results.Row> rows = new ArrayList<>();
    rows.add(new Results.Row("drain: job CPU-ms per 1,000 fixes",
        mean(b, n -> n.get("cpu_seconds").asDouble() * 1e6 / n.get("fixes").asDouble()),
        mean(a, n -> n.get("cpu_seconds").asDouble() * 1e6 / n.get("fixes").asDouble()), "ms", base));
    rows.add(new Results.Row("drain: drain rate", mean(b, n -> n.get("fixes").asDouble() / n.get("wall_seconds")
        .asDouble()), mean(a, n -> n.get("fixes").asDouble() / n.get("wall_seconds").asDouble()), "fixes/s", base));
    rows.add(new Results.Row("drain: start-up (Spark session, then the job's start to its first batch)",
        mean(b, n -> n.get("startup_seconds").asDouble() * 1000), mean(a, n -> n.get("startup_seconds").asDouble()
            * 1000), "ms", base));
    for (String query : List.of("location-events", "location-windows", "location-trips", "location-alerts")) {
      for (String figure : List.of("jobs_per_batch", "stages_per_batch", "tasks_per_batch", "p50_ms", "p95_ms")) {
        rows.add(new Results.Row("drain: " + query + " " + figure.replace('_', ' '),
            mean(b, n -> n.path("queries").path(query).path(figure).asDouble()),
            mean(a, n -> n.path("queries").path(query).path(figure).asDouble()), figure.endsWith("ms") ? "ms"
                : "per batch", base));
      }
    }
    return rows;
  }

  private static double mean(List<JsonNode> runs, java.util.function.ToDoubleFunction<JsonNode> figure) {
    return runs.stream().mapToDouble(figure).average().orElse(Double.NaN);
  }

  private static void side(Path repo, String classpath, long fixes, Path out) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + repo.resolve("etc/java17-spark.args")); // the options scripts/bench.sh gives this JVM
    command.addAll(List.of("-Xmx3g", "-cp", classpath, DrainRun.class.getName(), Long.toString(fixes),
        out.toString()));
    System.out.println("drain: " + out.getFileName());
    Process p = new ProcessBuilder(command).directory(repo.toFile()).inheritIO()
        .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile())
        .redirectErrorStream(true).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("drain run " + out + " failed; see " + out + ".log");
    }
  }

  /**
   * This JVM's classpath with every module of this repository taken from {@code revision} instead:
   * the revision checked out in a worktree and packaged there, once (offline, from the local Maven
   * repository), the benchmark's own classes kept, so both sides are measured by the same code.
   */
  static String baselineClasspath(Path repo, String revision, String ours) throws IOException, InterruptedException {
    Path tree = repo.resolve("benchmarks/target/baseline-" + revision);
    if (!Files.exists(tree.resolve("jobs/target"))) {
      run(repo, "git", "worktree", "prune"); // one left registered by a target/ since cleaned
      run(repo, "git", "worktree", "add", "--force", "--detach", tree.toString(), revision);
      run(tree, "mvn", "-B", "-q", "-o", "package", "-DskipTests", "-pl", "jobs", "-am");
    }
    String root = repo.toString() + File.separator;
    return Arrays.stream(ours.split(File.pathSeparator)).map(entry -> {
      if (!entry.startsWith(root) || entry.startsWith(root + "benchmarks")) {
        return entry;
      }
      Path theirs = tree.resolve(entry.substring(root.length()));
      return Files.exists(theirs) ? theirs.toString() : entry;
    }).collect(Collectors.joining(File.pathSeparator));
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed in " + dir);
    }
  }
}
