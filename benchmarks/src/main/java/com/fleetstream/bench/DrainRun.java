package com.fleetstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.jobs.LocationStreamingJob;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.runtime.BatchAccounting;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.simulator.SimulatorConfig;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.PostgresServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * One side of the drain benchmark ({@link DrainBenchmark}), in a JVM of its own: a 4-shard stream
 * filled with {@code fixes} GPS fixes before the location job starts, then the job with every sink
 * (Parquet, Delta, PostgreSQL, geofence alerts) and {@code STOP_WHEN_DRAINED}, each batch taking at
 * most {@value #PER_BATCH} records. Only the drain is measured: this JVM's CPU time from the job's
 * start to its stop (the simulator has finished by then; kinesalite and PostgreSQL are processes of
 * their own), Spark jobs, stages and tasks per batch of each query (from the local properties Spark
 * gives every job a micro-batch runs), the progress reports' {@code triggerExecution} times, the
 * start-up (the Spark session's making and the job's start to its first batch: what a scheduled run
 * pays before it reads), and a JFR profile of the drain ({@link Profile}).
 *
 * <p>Usage: {@code DrainRun <fixes> <result.json>}; the classpath says which code runs.
 */
public final class DrainRun {
  static final int SHARDS = 4;
  static final int PER_BATCH = 10_000;
  private static final String STREAM = "bench-drain";
  private static final int GPS_INTERVAL_SECONDS = 5;
  private static final int VEHICLES = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DrainRun() {}

  public static void main(String[] args) throws Exception {
    long fixes = Long.parseLong(args[0]);
    Path out = Path.of(args[1]);
    Path dir = Files.createTempDirectory("bench-drain");
    try (KinesisEmulator kinesis = KinesisEmulator.start();
         PostgresServer pg = PostgresServer.start(dir.resolve("postgres"))) {
      kinesis.createStream(STREAM, SHARDS);
      kinesis.createStream(STREAM + "-sensors", 1);
      long seconds = fixes * GPS_INTERVAL_SECONDS / VEHICLES;
      SimulatorConfig sim = SimulatorConfig.parse(new String[] {"--endpoint", kinesis.endpoint().toString(),
          "--location-stream", STREAM, "--sensor-stream", STREAM + "-sensors", "--vehicles",
          Integer.toString(VEHICLES), "--gps-interval-seconds", Integer.toString(GPS_INTERVAL_SECONDS),
          "--duration-seconds", Long.toString(seconds), "--seed", "42"});
      long sent = Simulator.send(sim, kinesis.client()).count(OutgoingRecord.Stream.LOCATION,
          OutgoingRecord.Kind.VALID);
      LocationJobConfig job = LocationJobConfig.parse("--STREAM_NAME", STREAM,
          "--KINESIS_ENDPOINT", kinesis.endpoint().toString(), "--KINESIS_ACCESS_KEY_ID", KinesisEmulator.ACCESS_KEY,
          "--KINESIS_SECRET_KEY", KinesisEmulator.SECRET_KEY, "--STARTING_POSITION", "TRIM_HORIZON",
          "--OUTPUT_PATH", dir.resolve("out").toUri().toString(),
          "--CHECKPOINT_PATH", dir.resolve("checkpoints").toUri().toString(), "--TRIGGER_INTERVAL", "1 second",
          "--WINDOWS_TRIGGER_INTERVAL", "30 seconds", "--SHUFFLE_PARTITIONS", "4",
          "--MAX_RECORDS_PER_READ", Integer.toString(PER_BATCH / SHARDS),
          "--MAX_RECORDS_PER_SHARD", Integer.toString(PER_BATCH / SHARDS),
          "--STOP_WHEN_DRAINED", "true", "--MAX_RUN_SECONDS", "3600", "--SINKS", "parquet,delta,postgres",
          "--GEOFENCES", Path.of("etc/geofences.json").toAbsolutePath().toUri().toString(),
          "--PG_JDBC_URL", pg.jdbcUrl(), "--PG_USER", PostgresServer.SUPERUSER);

      long sessionStart = System.currentTimeMillis();
      SparkSession spark = SparkSessions.local("fleetstream-drain", Runtime.getRuntime().availableProcessors())
          .getOrCreate();
      long sessionMillis = System.currentTimeMillis() - sessionStart;
      SparkWork work = new SparkWork();
      spark.sparkContext().addSparkListener(work);
      spark.streams().addListener(work.progress);
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      Profile profile = Profile.start(out.resolveSibling(out.getFileName() + ".jfr"), Map.of(
          kinesis.endpoint().getPort(), "kinesalite", pg.port(), "PostgreSQL"));
      long cpuBefore = os.getProcessCpuTime();
      work.startedAt = System.currentTimeMillis();
      LocationStreamingJob.run(spark, job);
      long stoppedAt = System.currentTimeMillis();
      double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
      profile.stop();
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      spark.stop();

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("fixes", sent);
      result.put("wall_seconds", (stoppedAt - work.startedAt) / 1000.0);
      result.put("cpu_seconds", cpuSeconds);
      result.put("startup_seconds", (sessionMillis + work.startupMillis()) / 1000.0);
      // the drain itself, without the start-up
      result.put("profile", profile.summary(work.firstBatchAt, stoppedAt).strip());
      Map<String, Object> queries = new TreeMap<>();
      work.perQuery().forEach((name, w) -> queries.put(name, w.asMap()));
      result.put("queries", queries);
      JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
      System.out.println(Files.readString(out));
    }
  }

  /** What one query's batches cost: Spark's jobs, stages, tasks, and the time each batch took. */
  record QueryWork(int batches, double jobsPerBatch, double stagesPerBatch, double tasksPerBatch, long rowsRead,
      long p50Ms, long p95Ms, Map<String, Long> jobsByDescription) {
    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batches", batches);
      m.put("jobs_per_batch", jobsPerBatch);
      m.put("stages_per_batch", stagesPerBatch);
      m.put("tasks_per_batch", tasksPerBatch);
      m.put("rows_read", rowsRead);
      m.put("p50_ms", p50Ms);
      m.put("p95_ms", p95Ms);
      Map<String, Double> perBatch = new LinkedHashMap<>();
      jobsByDescription.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
          .forEach(e -> perBatch.put(e.getKey(), e.getValue() / (double) batches));
      m.put("jobs_per_batch_by_description", perBatch);
      return m;
    }
  }

  /**
   * Spark jobs, stages and tasks by query and batch. Spark runs a micro-batch's jobs with the query's
   * id and the batch's id in their local properties; the id is the query's name once it started.
   */
  private static final class SparkWork extends SparkListener {
    private static final String QUERY_ID = "sql.streaming.queryId";
    private static final String BATCH_ID = "streaming.sql.batchId";
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, long[]> byBatch = new ConcurrentHashMap<>(); // "query#batch" -> jobs, stages, tasks
    private final Map<Integer, String> stageBatch = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> descriptions = new ConcurrentHashMap<>(); // query id -> jobs by description
    private final Map<String, List<long[]>> progressByQuery = new ConcurrentHashMap<>(); // rows, ms
    volatile long startedAt;
    volatile long firstBatchAt;
    final StreamingQueryListener progress = new StreamingQueryListener() {
      @Override
      public void onQueryStarted(QueryStartedEvent event) {
        names.put(event.id().toString(), event.name());
      }

      @Override
      public void onQueryProgress(QueryProgressEvent event) {
        var p = event.progress();
        if (p.name().endsWith("-events") && p.batchId() == 0) {
          firstBatchAt = java.time.Instant.parse(p.timestamp()).toEpochMilli();
        }
        if (p.numInputRows() > 0 || p.durationMs().containsKey("addBatch")) {
          progressByQuery.computeIfAbsent(p.name(), k -> new ArrayList<>())
              .add(new long[] {BatchAccounting.rowsRead(p), p.durationMs().get("triggerExecution")});
        }
      }

      @Override
      public void onQueryTerminated(QueryTerminatedEvent event) {}
    };

    private static String key(java.util.Properties properties) {
      if (properties == null || properties.getProperty(QUERY_ID) == null || properties.getProperty(BATCH_ID) == null) {
        return null;
      }
      return properties.getProperty(QUERY_ID) + "#" + properties.getProperty(BATCH_ID);
    }

    /**
     * What a job is for, as its description says: Spark describes every job of a micro-batch by the
     * query and batch, Delta adds what the job does ("Compute snapshot for version", "MERGE operation -
     * ..."); the query's own jobs (its plan, a sink's count or write) say nothing more.
     */
    private static String purpose(String description) {
      String what = description.replaceAll("[\\w-]+\\s+id = \\S+\\s+runId = \\S+\\s+batch = \\d+", "")
          .replaceAll("\\d+", "N").replaceAll("\\s+", " ").replaceFirst("^[ :-]+", "").replace("Delta: : ", "Delta: ")
          .trim();
      return what.isEmpty() ? "(the batch's plan or a sink's own)" : what;
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      String key = key(event.properties());
      if (key != null) {
        byBatch.computeIfAbsent(key, k -> new long[3])[0]++;
        descriptions.computeIfAbsent(key.substring(0, key.indexOf('#')), k -> new ConcurrentHashMap<>())
            .merge(purpose(event.properties().getProperty("spark.job.description", "")), 1L, Long::sum);
      }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
      String key = key(event.properties());
      if (key != null) {
        byBatch.computeIfAbsent(key, k -> new long[3])[1]++;
        stageBatch.put(event.stageInfo().stageId(), key);
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      String key = stageBatch.get(event.stageId());
      if (key != null) {
        byBatch.computeIfAbsent(key, k -> new long[3])[2]++;
      }
    }

    /** From the job's start to its events query's first batch. */
    long startupMillis() {
      return firstBatchAt - startedAt;
    }

    Map<String, QueryWork> perQuery() {
      Map<String, long[]> sums = new TreeMap<>(); // query -> batches, jobs, stages, tasks
      byBatch.forEach((key, counts) -> {
        String name = names.getOrDefault(key.substring(0, key.indexOf('#')), "unnamed");
        long[] sum = sums.computeIfAbsent(name, k -> new long[4]);
        sum[0]++;
        for (int i = 0; i < 3; i++) {
          sum[i + 1] += counts[i];
        }
      });
      Map<String, String> ids = new TreeMap<>();
      names.forEach((id, name) -> ids.put(name, id));
      Map<String, QueryWork> work = new TreeMap<>();
      sums.forEach((name, s) -> {
        List<long[]> batches = progressByQuery.getOrDefault(name, List.of());
        long[] ms = batches.stream().mapToLong(b -> b[1]).sorted().toArray();
        long rows = batches.stream().mapToLong(b -> b[0]).sum();
        work.put(name, new QueryWork((int) s[0], s[1] / (double) s[0], s[2] / (double) s[0], s[3] / (double) s[0],
            rows, ms.length == 0 ? 0 : LatencyBenchmark.percentile(ms, 50),
            ms.length == 0 ? 0 : LatencyBenchmark.percentile(ms, 95),
            descriptions.getOrDefault(ids.get(name), Map.of())));
      });
      return work;
    }
  }
}
