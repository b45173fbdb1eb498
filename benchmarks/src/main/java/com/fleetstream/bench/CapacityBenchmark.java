package com.fleetstream.bench;

import com.fleetstream.jobs.LocationStreamingJob;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.kinesis.KinesisStreamSource;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.Simulator;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The rate the location job sustains with every sink on: the simulator in real time at stepped rates
 * (fixes a second) while the job runs on, each step {@code stepSeconds} long. A step's rate is
 * sustained when, over the step after its first {@value #SETTLE_SECONDS} s, the backlog (fixes that
 * arrived in Kinesis but are not yet readable in PostgreSQL) grows by no more than two triggers' worth
 * and the arrival-to-readable latency's p95 stays within {@value #P95_GOAL_MS} ms; it is kept up with
 * when the backlog holds whatever the latency. Latency and backlog come from the same per-fix
 * times as {@link LatencyBenchmark}'s.
 *
 * <p>Beside it, in the same run: kinesalite's own ceiling (puts and reads alone, nothing else
 * running), so an emulator limit is not taken for the job's; the CPU each process used per step
 * (this JVM with the job and the simulator, kinesalite, PostgreSQL); and a JFR profile of this JVM
 * ({@code benchmarks/target/capacity.jfr}) summarised per step: where its samples are, and how long its
 * threads sat blocked reading from kinesalite and from PostgreSQL; and the records every query of the
 * job took from Kinesis, against those the events query took (one each when only it reads Kinesis).
 */
final class CapacityBenchmark {
  static final int P95_GOAL_MS = 5_000;
  private static final int SETTLE_SECONDS = 20;
  private static final int WARM_UP_SECONDS = 30;
  private static final int WARM_UP_RATE = 500;
  private static final int DRAIN_SECONDS = 60;
  private static final int SHARDS = 4;

  private CapacityBenchmark() {}

  /** One step's figures. */
  record Step(int target, double sent, double readPerSecond, long p50, long p95, long backlogStart, long backlogEnd,
      Map<String, Double> cpu, String profile) {
    /** Kept up: the backlog did not grow by more than two triggers' worth, and the load was sent. */
    boolean keptUp() {
      return backlogEnd <= backlogStart + 2L * target && sent >= 0.95 * target;
    }

    boolean sustained() {
      return keptUp() && p95 <= P95_GOAL_MS;
    }

    /** kinesalite runs its JavaScript on one thread: near a core, it is what everything else waits on. */
    boolean emulatorBound() {
      return cpu.getOrDefault("kinesalite", 0.0) >= 0.8;
    }

    String line() {
      return String.format(Locale.ROOT, "step %,6d fixes/s: sent %,8.0f/s, readable %,8.0f/s, p50 %,6d ms, p95 %,6d ms,"
          + " backlog %,d -> %,d fixes, cores used %s: %s%s", target, sent, readPerSecond, p50, p95, backlogStart,
          backlogEnd, cpu, sustained() ? "SUSTAINED" : keptUp() ? "kept up, but p95 over the goal" : "fell behind",
          emulatorBound() ? " (kinesalite saturated)" : "");
    }
  }

  static List<Results.Row> run(SparkSession spark, int stepSeconds, int[] rates, Path repo) throws Exception {
    if (stepSeconds <= SETTLE_SECONDS + 10 || rates.length == 0) {
      throw new IllegalArgumentException("BENCH_CAPACITY: steps must be longer than " + (SETTLE_SECONDS + 10)
          + " s (the first " + SETTLE_SECONDS + " s of a step settle, the backlog is averaged over 10 s at each end)"
          + " and name at least one rate; got " + stepSeconds + " s and " + rates.length + " rates");
    }
    Path dir = Files.createTempDirectory("bench-capacity");
    Path jfr = repo.resolve("benchmarks/target/capacity.jfr");
    List<Results.Row> rows = new ArrayList<>();
    try (KinesisEmulator kinesis = KinesisEmulator.start();
         PostgresServer pg = PostgresServer.start(dir.resolve("postgres"))) {
      double[] ceiling = emulatorCeiling(kinesis);
      System.out.printf(Locale.ROOT, "kinesalite alone: PutRecords %,.0f records/s, GetRecords %,.0f records/s%n",
          ceiling[0], ceiling[1]);
      rows.add(new Results.Row("capacity: kinesalite's own PutRecords ceiling (records/s)", ceiling[0], 0,
          "records/s", "none: what the emulator takes with nothing else running"));
      rows.add(new Results.Row("capacity: kinesalite's own GetRecords ceiling (records/s)", ceiling[1], 0,
          "records/s", "none: what the emulator serves with nothing else running"));

      kinesis.createStream(LatencyBenchmark.STREAM, SHARDS);
      kinesis.createStream(LatencyBenchmark.SENSORS, 1);
      PgConnectionSpec db = new PgConnectionSpec(pg.jdbcUrl(), PostgresServer.SUPERUSER, null);
      int runSeconds = WARM_UP_SECONDS + rates.length * stepSeconds + DRAIN_SECONDS;
      LocationJobConfig job = LatencyBenchmark.job(kinesis, db, dir, runSeconds, "parquet,delta,postgres");

      Map<Long, Long> seen = new ConcurrentHashMap<>();
      AtomicBoolean done = new AtomicBoolean();
      CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> LatencyBenchmark.poll(db, seen, done),
          r -> new Thread(r, "latency-poller").start());
      long[][] windows = new long[rates.length][]; // per step: start, end (epoch ms)
      long[] sent = new long[rates.length];
      List<Map<String, Long>> cpuTicks = new ArrayList<>();
      Profile profile = Profile.start(jfr, Map.of(kinesis.endpoint().getPort(), "kinesalite",
          pg.port(), "PostgreSQL"));
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        LatencyBenchmark.sleep(5_000); // the job's queries are up by then
        send(kinesis, WARM_UP_RATE, WARM_UP_SECONDS, 0);
        for (int i = 0; i < rates.length; i++) {
          cpuTicks.add(ProcessCpu.ticks());
          long start = System.currentTimeMillis();
          sent[i] = send(kinesis, rates[i], stepSeconds, i + 1);
          windows[i] = new long[] {start, System.currentTimeMillis()};
        }
        cpuTicks.add(ProcessCpu.ticks());
      }, r -> new Thread(r, Profile.SIMULATOR_THREAD).start());
      KinesisReads reads = new KinesisReads();
      spark.streams().addListener(reads);
      LocationStreamingJob.run(spark, job);
      spark.streams().removeListener(reads);
      sending.join();
      done.set(true);
      poller.join();
      profile.stop();

      List<long[]> fixes = LatencyBenchmark.latencies(db, seen);
      int sustained = 0;
      int keptUp = 0;
      for (int i = 0; i < rates.length; i++) {
        long from = windows[i][0] + SETTLE_SECONDS * 1000L;
        long to = windows[i][1];
        long[] latencies = fixes.stream().filter(f -> f[0] >= from && f[0] < to).mapToLong(f -> f[1]).sorted()
            .toArray();
        long readable = fixes.stream().filter(f -> f[0] + f[1] >= from && f[0] + f[1] < to).count();
        long backlogStart = backlog(fixes, from, from + 10_000);
        long backlogEnd = backlog(fixes, to - 10_000, to);
        double sentPerSecond = sent[i] / ((windows[i][1] - windows[i][0]) / 1000.0);
        long p95 = latencies.length == 0 ? Long.MAX_VALUE : LatencyBenchmark.percentile(latencies, 95);
        Step step = new Step(rates[i], sentPerSecond, readable / ((to - from) / 1000.0),
            latencies.length == 0 ? Long.MAX_VALUE : LatencyBenchmark.percentile(latencies, 50), p95, backlogStart,
            backlogEnd, ProcessCpu.share(cpuTicks.get(i), cpuTicks.get(i + 1), windows[i][1] - windows[i][0]),
            profile.summary(windows[i][0], windows[i][1]));
        System.out.println(step.line());
        System.out.println(step.profile());
        if (step.sustained()) {
          sustained = Math.max(sustained, rates[i]);
        }
        if (step.keptUp()) {
          keptUp = Math.max(keptUp, rates[i]);
        }
        String what = "capacity: location job, all sinks, " + rates[i] + " fixes/s for " + stepSeconds + " s";
        rows.add(new Results.Row(what + ", readable per second", step.readPerSecond(), rates[i], "fixes/s",
            "the step's target rate"));
        rows.add(new Results.Row(what + ", p95", p95 == Long.MAX_VALUE ? Double.NaN : p95, P95_GOAL_MS, "ms",
            "the goal, p95 <= 5000 ms"));
        rows.add(new Results.Row(what + ", backlog growth over the step", backlogEnd - backlogStart, 2L * rates[i],
            "fixes", "the slack allowed: two triggers' worth"));
      }
      long eventsRead = reads.byQuery.getOrDefault("location-events", 0L);
      long allRead = reads.byQuery.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(Locale.ROOT, "Kinesis records read: %s%n", new java.util.TreeMap<>(reads.byQuery));
      rows.add(new Results.Row("capacity: Kinesis records read by all the job's queries per record the events query"
          + " read", allRead / (double) eventsRead, 1, "records", "the goal: each record fetched once"));
      int cores = Runtime.getRuntime().availableProcessors();
      rows.add(new Results.Row("sustained_location: highest rate sustained, all sinks (fixes/s)", sustained, 10_000,
          "fixes/s", "the goal, 10,000 fixes/s on this machine"));
      rows.add(new Results.Row("sustained_location_per_core (fixes/s per core, " + cores + " cores shared with"
          + " kinesalite, PostgreSQL and the simulator)", sustained / (double) cores, 0, "fixes/s", "none"));
      rows.add(new Results.Row("kept_up_location: highest rate whose backlog did not grow, any latency (fixes/s)",
          keptUp, sustained, "fixes/s", "the rate sustained within the p95 goal"));
      System.out.println("JFR recording: " + jfr + " (jfr print --events jdk.ExecutionSample, or JDK Mission Control)");
    }
    return rows;
  }

  /** Records each query of the job took from Kinesis, over all its batches and Kinesis sources. */
  private static final class KinesisReads extends StreamingQueryListener {
    final Map<String, Long> byQuery = new ConcurrentHashMap<>();

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      for (SourceProgress source : event.progress().sources()) {
        if (KinesisStreamSource.streamOf(source.description()).isPresent()) {
          byQuery.merge(event.progress().name(), source.numInputRows(), Long::sum);
        }
      }
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }

  /** Fixes arrived but not readable, averaged over samples each second in [from, to). */
  private static long backlog(List<long[]> fixes, long from, long to) {
    long sum = 0;
    int samples = 0;
    for (long t = from; t < to; t += 1000) {
      long at = t;
      sum += fixes.stream().filter(f -> f[0] <= at && f[0] + f[1] > at).count();
      samples++;
    }
    return samples == 0 ? 0 : sum / samples;
  }

  private static long send(KinesisEmulator kinesis, int perSecond, int seconds, int seed) {
    return Simulator.send(LatencyBenchmark.realTime(kinesis, perSecond, seconds, 42 + seed), kinesis.client()).count(OutgoingRecord.Stream.LOCATION, OutgoingRecord.Kind.VALID);
  }

  /**
   * PutRecords of 500 fixes-sized records from two threads for 10 s, then every record read back
   * shard by shard (GetRecords of up to 10,000): records a second each way.
   */
  private static double[] emulatorCeiling(KinesisEmulator kinesis) throws Exception {
    String stream = "bench-ceiling";
    kinesis.createStream(stream, SHARDS);
    SdkBytes data = SdkBytes.fromUtf8String("{\"event_id\":\"00000000-0000-0000-0000-000000000000\",\"vehicle_id\":"
        + "\"v-0001\",\"event_time\":\"2026-12-06T10:00:00Z\",\"latitude\":52.52,\"longitude\":13.405,"
        + "\"speed_kmh\":42.0,\"heading\":90.0,\"ignition\":true}");
    long until = System.nanoTime() + 10_000_000_000L;
    long start = System.nanoTime();
    List<CompletableFuture<Long>> putters = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int thread = t;
      putters.add(CompletableFuture.supplyAsync(() -> {
        long n = 0;
        try (KinesisClient client = KinesisEmulator.newClient(kinesis.endpoint())) {
          while (System.nanoTime() < until) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
              entries.add(PutRecordsRequestEntry.builder().partitionKey("v-" + thread + "-" + (n + i)).data(data)
                  .build());
            }
            client.putRecords(b -> b.streamName(stream).records(entries));
            n += 500;
          }
        }
        return n;
      }));
    }
    long put = putters.stream().mapToLong(CompletableFuture::join).sum();
    double putRate = put / ((System.nanoTime() - start) / 1e9);
    long read = 0;
    start = System.nanoTime();
    try (KinesisClient client = KinesisEmulator.newClient(kinesis.endpoint())) {
      for (var shard : client.listShards(b -> b.streamName(stream)).shards()) {
        String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        while (iterator != null) {
          String from = iterator;
          GetRecordsResponse r = client.getRecords(b -> b.shardIterator(from).limit(10_000));
          read += r.records().size();
          iterator = r.records().isEmpty() ? null : r.nextShardIterator();
        }
      }
    }
    double getRate = read / ((System.nanoTime() - start) / 1e9);
    if (read != put) {
      throw new IllegalStateException("kinesalite gave back " + read + " of the " + put + " records put");
    }
    return new double[] {putRate, getRate};
  }

  static int[] rates(String spec) {
    return Arrays.stream(spec.split("[,\\s]+")).filter(s -> !s.isBlank()).mapToInt(Integer::parseInt).toArray();
  }
}
