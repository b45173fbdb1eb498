package com.fleetstream.terraform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sizing table, from measurements: the fixes a second per core the location job keeps up with
 * ({@code benchmarks/results/latest-capacity.json}), its state's bytes per event and per vehicle
 * ({@code latest-state.json}) and a position history row's bytes in PostgreSQL ({@code
 * latest-postgres.json}). For 1,000, 10,000 and 100,000 vehicles (one fix every 5 s) it gives the
 * streaming job's Glue worker type and count, the location stream's shards, the RDS storage the 90 days
 * of history take, and the monthly cost at list prices beside Amazon Data Firehose delivering the same
 * records to S3 as Parquet. docs/sizing.md's
 * table and {@code terraform/modules/sizing} are printed from here, and tests hold both to it.
 *
 * <p>{@code bash scripts/sizing.sh} writes both from the latest measurements.
 */
public final class Sizing {
  /** us-east-1 list prices (USD), as published on AWS's pricing pages; taken on {@value #PRICES_TAKEN}. */
  public static final String PRICES_TAKEN = "2026-12-06";
  static final double GLUE_DPU_HOUR = 0.44;
  /** Glue's Flex execution class (ETL jobs on spare capacity; a run may start late). */
  static final double GLUE_FLEX_DPU_HOUR = 0.29;
  /** Glue bills an ETL run by the second, at least a minute; not its start-up before the job runs. */
  static final int GLUE_MIN_BILLED_SECONDS = 60;
  static final double KINESIS_SHARD_HOUR = 0.015;
  static final double KINESIS_MILLION_PUT_UNITS = 0.014;
  static final double FIREHOSE_INGEST_GB = 0.029;
  static final double FIREHOSE_PARQUET_GB = 0.018;
  /** RDS for PostgreSQL gp3 storage, Single-AZ, per GB-month (Multi-AZ bills it twice). */
  static final double RDS_GP3_GB_MONTH = 0.115;
  /** Firehose bills each record rounded up to 5 KB; a fix is about 230 bytes. */
  static final double FIREHOSE_RECORD_KB = 5;
  static final double HOURS_A_MONTH = 730;

  static final int SECONDS_BETWEEN_FIXES = 5;
  /** Room to catch up after a restart or a burst: the workers are sized for twice the steady rate. */
  static final double HEADROOM = 2;
  /** The default DEDUP_WATERMARK: each event id is remembered this long. */
  static final int DEDUP_SECONDS = 3600;
  /** Spark's heap state store keeps the previous version's map beside the current one while a batch runs. */
  static final int STATE_COPIES = 2;
  /** The share of a worker's memory given to state; the rest is Spark, its caches and the sinks. */
  static final double STATE_SHARE_OF_MEMORY = 0.25;
  /** Fixes a second one shard takes, below Kinesis's 1,000 records a second per shard. */
  static final int FIXES_PER_SHARD = 800;
  /** AWS offers G.025X for low-volume streaming jobs: here, up to this many executors. */
  static final int MAX_SMALL_EXECUTORS = 4;
  static final int[] FLEETS = {1_000, 10_000, 100_000};
  /** Days of position history the jobs keep in PostgreSQL by default (PG_HISTORY_RETENTION). */
  static final int HISTORY_DAYS = 90;
  /**
   * Room over the history's own size: the next days' partitions made ahead, dead rows before
   * autovacuum, the latest-position and reporting tables, WAL.
   */
  static final double STORAGE_HEADROOM = 1.25;
  /** RDS's gp3 bounds: at least 20 GiB, at most 65,536. */
  static final int MIN_STORAGE_GB = 20;
  static final int MAX_STORAGE_GB = 65_536;

  record Worker(String type, int vcpus, int memoryGb, double dpu) {}

  /** run_mode scheduled: terraform/modules/glue's default run_schedule, every 15 minutes. */
  static final int SCHEDULE_SECONDS = 900;
  /** A scheduled run is sized to drain what arrived since the last one in a third of the interval. */
  static final double DRAIN_SHARE_OF_SCHEDULE = 1.0 / 3;
  /** Flex runs G.1X or G.2X workers only. */
  static final String SCHEDULED_WORKER = "G.1X";

  static final List<Worker> WORKERS = List.of(new Worker("G.025X", 2, 4, 0.25), new Worker("G.1X", 4, 16, 1),
      new Worker("G.2X", 8, 32, 2));

  /**
   * What the benchmarks measured: the rate per core, and the state's bytes per event remembered by
   * the events query ({@code DEDUP_STATE buckets}), and per vehicle for its windows (its last
   * {@code WINDOW_WATERMARK} of fixes at one every 5 s and one window's sums) and trip detection;
   * and, for scheduled runs, the job's CPU per fix and its start-up, draining a stream alone
   * ({@code latest-drain.json}).
   */
  public record Measured(double fixesPerSecondPerCore, double stateBytesPerId, double windowBytesPerVehicle,
      double tripBytesPerVehicle, double historyBytesPerRow, double cpuSecondsPerThousandFixes,
      double startupSeconds) {
    /**
     * The rate per core is the highest the location job kept up with (its backlog did not grow) over
     * the cores of the machine it shared with kinesalite, PostgreSQL and the simulator: the rate
     * within the p95 goal is set by the per-batch latency floor, which more executors do not lower.
     */
    public static Measured from(Path repo) throws IOException {
      Path capacity = repo.resolve("benchmarks/results/latest-capacity.json");
      Path state = repo.resolve("benchmarks/results/latest-state.json");
      Path postgres = repo.resolve("benchmarks/results/latest-postgres.json");
      Path drain = repo.resolve("benchmarks/results/latest-drain.json");
      return new Measured(figure(capacity, "kept_up_location", "ours") / cores(capacity),
          figure(state, "state: bytes per remembered event id (", "ours"),
          figure(state, "state: windows query, bytes per vehicle", "ours"),
          figure(state, "state: trip detection, bytes per vehicle", "ours"),
          figure(postgres, "postgres: bytes per history row", "ours"),
          figure(drain, "drain: job CPU-ms per 1,000 fixes", "ours") / 1000,
          figure(drain, "drain: start-up", "ours") / 1000);
    }

    /** A row's figure ("ours" or "baseline"), from the one-row-per-line file Results writes. */
    private static double figure(Path results, String namePrefix, String which) throws IOException {
      java.util.regex.Pattern row = java.util.regex.Pattern.compile("\\{\"name\": \""
          + java.util.regex.Pattern.quote(namePrefix) + "[^\"]*\", .*\"" + which + "\": ([0-9.]+),");
      for (String line : Files.readAllLines(results)) {
        java.util.regex.Matcher m = row.matcher(line.strip());
        if (m.lookingAt() && Double.parseDouble(m.group(1)) > 0) {
          return Double.parseDouble(m.group(1));
        }
      }
      throw new IllegalStateException(results + " has no positive " + which + " figure of " + namePrefix + "...");
    }

    private static int cores(Path results) throws IOException {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"machine\": \"(\\d+) cores")
          .matcher(Files.readString(results));
      if (!m.find()) {
        throw new IllegalStateException(results + " does not say how many cores it ran on");
      }
      return Integer.parseInt(m.group(1));
    }
  }

  /** One fleet size's row. */
  public record Row(int vehicles, double fixesPerSecond, double stateGb, String workerType, int workers,
      int shards, int postgresStorageGb, double glueMonthly, double kinesisMonthly, double firehoseMonthly,
      double postgresStorageMonthly, Scheduled scheduled) {
    /** The cheaper mode: scheduled where its runs cost less than running all the time. */
    public String recommendedMode() {
      return scheduled.glueMonthly() < glueMonthly ? "scheduled" : "continuous";
    }
  }

  /**
   * run_mode scheduled: a Glue ETL run (Flex) every {@value #SCHEDULE_SECONDS} s drains what arrived
   * since the last, with enough executors to do so in a third of the interval and to hold the state.
   *
   * @param runSeconds billed per run: the job's start-up and the drain, at least Glue's minute
   * @param freshnessSeconds how old a fix may be when it becomes readable: the interval, then the run
   */
  public record Scheduled(int workers, double runSeconds, double glueMonthly, double freshnessSeconds) {}

  public static List<Row> table(Measured m) {
    List<Row> rows = new ArrayList<>();
    for (int vehicles : FLEETS) {
      double rate = vehicles / (double) SECONDS_BETWEEN_FIXES;
      double cores = Math.ceil(HEADROOM * rate / m.fixesPerSecondPerCore());
      double stateGb = STATE_COPIES * (rate * DEDUP_SECONDS * m.stateBytesPerId()
          + vehicles * m.windowBytesPerVehicle()
          + vehicles * m.tripBytesPerVehicle()) / 1e9;
      Worker best = null;
      int bestWorkers = 0;
      for (Worker w : WORKERS) {
        int executors = (int) Math.max(Math.ceil(cores / w.vcpus()), Math.ceil(stateGb / (STATE_SHARE_OF_MEMORY
            * w.memoryGb())));
        if (w.type().equals("G.025X") && executors > MAX_SMALL_EXECUTORS) {
          continue;
        }
        int workers = Math.max(1, executors) + 1; // one worker is the driver
        if (best == null || workers * w.dpu() < bestWorkers * best.dpu()) {
          best = w;
          bestWorkers = workers;
        }
      }
      int shards = (int) Math.ceil(rate / FIXES_PER_SHARD);
      double fixesAMonth = rate * 3600 * HOURS_A_MONTH;
      double firehoseGb = fixesAMonth * FIREHOSE_RECORD_KB * 1024 / (1 << 30);
      // in tens of GB, so a new measurement moves the default only when it matters
      int storageGb = (int) Math.min(MAX_STORAGE_GB, Math.max(MIN_STORAGE_GB, 10 * Math.ceil(
          rate * 86_400 * HISTORY_DAYS * m.historyBytesPerRow() * STORAGE_HEADROOM / 1e9 / 10)));
      Worker flex = WORKERS.stream().filter(w -> w.type().equals(SCHEDULED_WORKER)).findFirst().orElseThrow();
      double cpuPerRun = rate * SCHEDULE_SECONDS * m.cpuSecondsPerThousandFixes() / 1000;
      int executors = (int) Math.max(1, Math.max(Math.ceil(cpuPerRun / (flex.vcpus() * DRAIN_SHARE_OF_SCHEDULE
          * SCHEDULE_SECONDS)), Math.ceil(stateGb / (STATE_SHARE_OF_MEMORY * flex.memoryGb()))));
      double drainSeconds = cpuPerRun / (executors * flex.vcpus());
      double runSeconds = Math.max(GLUE_MIN_BILLED_SECONDS, m.startupSeconds() + drainSeconds);
      int flexWorkers = executors + 1;
      double runsAMonth = HOURS_A_MONTH * 3600 / SCHEDULE_SECONDS;
      Scheduled scheduled = new Scheduled(flexWorkers, runSeconds,
          runsAMonth * flexWorkers * flex.dpu() * GLUE_FLEX_DPU_HOUR * runSeconds / 3600, SCHEDULE_SECONDS + runSeconds);
      rows.add(new Row(vehicles, rate, stateGb, best.type(), bestWorkers, shards, storageGb,
          bestWorkers * best.dpu() * GLUE_DPU_HOUR * HOURS_A_MONTH,
          shards * KINESIS_SHARD_HOUR * HOURS_A_MONTH + fixesAMonth / 1e6 * KINESIS_MILLION_PUT_UNITS,
          firehoseGb * (FIREHOSE_INGEST_GB + FIREHOSE_PARQUET_GB), storageGb * RDS_GP3_GB_MONTH, scheduled));
    }
    return rows;
  }

  /** docs/sizing.md's table. */
  public static String markdown(List<Row> rows) {
    StringBuilder s = new StringBuilder("| vehicles | fixes/s | state | streaming job | location shards |"
        + " Glue / month | Kinesis / month | ours / month | Firehose → Parquet / month |"
        + " PostgreSQL storage (90 days of history) |\n"
        + "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Row r : rows) {
      s.append(String.format(Locale.ROOT, "| %,d | %,.0f | %.2f GB | %d × %s | %d | $%,.0f | $%,.0f | $%,.0f | $%,.0f"
          + " | %,d GB, $%,.0f / month |%n",
          r.vehicles(), r.fixesPerSecond(), r.stateGb(), r.workers(), r.workerType(), r.shards(), r.glueMonthly(),
          r.kinesisMonthly(), r.glueMonthly() + r.kinesisMonthly(), r.firehoseMonthly(), r.postgresStorageGb(),
          r.postgresStorageMonthly()));
    }
    return s.toString();
  }

  /** docs/sizing.md's second table: the same fleets with run_mode scheduled, and the mode to choose. */
  public static String scheduledMarkdown(List<Row> rows) {
    StringBuilder s = new StringBuilder("| vehicles | scheduled job (Flex) | billed per run | Glue / month |"
        + " ours / month | Firehose → Parquet / month | fix readable after, at most | continuous: ours / month |"
        + " cheaper mode |\n"
        + "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Row r : rows) {
      Scheduled d = r.scheduled();
      s.append(String.format(Locale.ROOT, "| %,d | %d × %s | %.0f s | $%,.0f | $%,.0f | $%,.0f | %.0f min | $%,.0f |"
          + " %s |%n", r.vehicles(), d.workers(), SCHEDULED_WORKER, d.runSeconds(), d.glueMonthly(),
          d.glueMonthly() + r.kinesisMonthly(), r.firehoseMonthly(), Math.ceil(d.freshnessSeconds() / 60),
          r.glueMonthly() + r.kinesisMonthly(), r.recommendedMode()));
    }
    return s.toString();
  }

  /** terraform/modules/sizing's table. */
  public static String hcl(List<Row> rows) {
    List<String> objects = rows.stream().map(r -> String.format(Locale.ROOT, "    { vehicles = %d, worker_type ="
        + " \"%s\", streaming_workers = %d, scheduled_workers = %d, location_shards = %d, postgres_storage_gb = %d }",
        r.vehicles(), r.workerType(), r.workers(), r.scheduled().workers(), r.shards(), r.postgresStorageGb())).toList();
    return "  table = [\n" + String.join(",\n", objects) + "\n  ]\n";
  }

  /**
   * Prints the table from the measurements in the repository at {@code args[0]} and writes it into
   * docs/sizing.md and terraform/modules/sizing/main.tf, in place of the tables there.
   */
  public static void main(String[] args) throws IOException {
    Path repo = Path.of(args.length > 0 ? args[0] : ".");
    List<Row> rows = table(Measured.from(repo));
    replace(repo.resolve("docs/sizing.md"), "| vehicles | fixes/s | state |", "\n\n", markdown(rows));
    replace(repo.resolve("docs/sizing.md"), "| vehicles | scheduled job (Flex) |", "\n\n", scheduledMarkdown(rows));
    replace(repo.resolve("terraform/modules/sizing/main.tf"), "  table = [", "  ]\n", hcl(rows));
    System.out.println(markdown(rows));
    System.out.println(scheduledMarkdown(rows));
    System.out.println("written to docs/sizing.md and terraform/modules/sizing/main.tf");
  }

  /** Replaces the text from {@code start} to the end of the first {@code end} after it. */
  private static void replace(Path file, String start, String end, String with) throws IOException {
    String text = Files.readString(file);
    int from = text.indexOf(start);
    int to = text.indexOf(end, from);
    if (from < 0 || to < 0) {
      throw new IllegalStateException(file + " has no table starting '" + start + "'");
    }
    int stop = end.equals("\n\n") ? to + 1 : to + end.length();
    Files.writeString(file, text.substring(0, from) + with + text.substring(stop));
  }
}
