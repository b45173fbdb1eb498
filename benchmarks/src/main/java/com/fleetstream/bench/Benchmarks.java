package com.fleetstream.bench;

import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bash scripts/bench.sh}: every benchmark against its baseline in this one process, printed as
 * a table and written to benchmarks/results/latest.json. Not part of the tests.
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    // optional second argument: only the benchmarks whose name contains it (e.g. "postgres")
    String only = args.length > 1 ? args[1] : "";
    Path repo = Path.of("").toAbsolutePath();
    Results results = new Results();
    for (Results.Row r : LambdaBenchmark.run(repo)) {
      results.add(r);
    }

    SparkSession spark = SparkSessions.local("fleetstream-bench", Runtime.getRuntime().availableProcessors())
        .getOrCreate();
    if ("transform".contains(only)) {
      results.add(TransformBenchmark.gps(spark, n));
      results.add(TransformBenchmark.sensors(spark, n));
    }
    if ("postgres".contains(only)) {
      Path pgDir = Files.createTempDirectory("bench-postgres");
      try (PostgresServer pg = PostgresServer.start(pgDir)) {
        PostgresSinkBenchmark.run(spark, new PgConnectionSpec(pg.jdbcUrl(), PostgresServer.SUPERUSER, null), n)
            .forEach(results::add);
      }
    }
    if ("state".contains(only)) {
      StateBenchmark.run(spark, n).forEach(results::add);
      StateBenchmark.perVehicle(spark, 5000).forEach(results::add);
    }
    if ("api".contains(only)) {
      ApiBenchmark.run(Integer.parseInt(System.getenv().getOrDefault("BENCH_API_SECONDS", "10")))
          .forEach(results::add);
    }
    if ("combine".contains(only)) {
      // ten times the events: the combine job's goal is stated for a 10M-row input
      CombineBenchmark.run(spark, 10 * n).forEach(results::add);
    }
    // last: the streaming job leaves its session settings (AQE off) behind
    if ("latency".contains(only)) {
      // seconds, fixes a second and sinks: BENCH_LATENCY="300 2000 parquet,delta,postgres" by default
      String[] latency = (System.getenv().getOrDefault("BENCH_LATENCY", "300 2000") + " parquet,delta,postgres")
          .trim().split("\\s+");
      for (Results.Row r : LatencyBenchmark.run(spark, Integer.parseInt(latency[0]), Integer.parseInt(latency[1]),
          latency[2])) {
        results.add(r);
      }
    }
    if ("capacity".contains(only)) {
      // seconds per step and the steps' rates: BENCH_CAPACITY="120 1000 2000 3000 5000 10000" by default
      String[] capacity = System.getenv().getOrDefault("BENCH_CAPACITY", "120 1000 2000 3000 5000 10000").trim()
          .split("\\s+", 2);
      CapacityBenchmark.run(spark, Integer.parseInt(capacity[0]), CapacityBenchmark.rates(capacity[1]), repo)
          .forEach(results::add);
    }
    spark.stop();
    if ("drain".contains(only)) {
      // the job alone, each side in a JVM of its own: BENCH_DRAIN_BASELINE names the revision compared with
      DrainBenchmark.run(repo, n, System.getenv().getOrDefault("BENCH_DRAIN_BASELINE", DrainBenchmark.DEFAULT_BASELINE))
          .forEach(results::add);
    }

    String machine = Runtime.getRuntime().availableProcessors() + " cores, "
        + (Runtime.getRuntime().maxMemory() >> 20) + " MB max heap, " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    // a filtered run keeps the full run's file
    results.print(repo.resolve(only.isEmpty() ? "benchmarks/results/latest.json"
        : "benchmarks/results/latest-" + only + ".json"), machine);
  }
}
