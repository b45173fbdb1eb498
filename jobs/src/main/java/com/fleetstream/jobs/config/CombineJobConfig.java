package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The batch combine job's configuration. */
public record CombineJobConfig(
    String inputDeltaPath,
    String finalPath,
    SparkDuration positionTolerance,
    long targetFileBytes,
    double idleSpeedKmh,
    int shufflePartitions,
    int maxDaysPerRun,
    String runId) {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  public static CombineJobConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    CombineJobConfig config = new CombineJobConfig(
        JobArgs.uri(args, "INPUT_DELTA_PATH", "file:///tmp/fleetstream/output/delta"),
        JobArgs.uri(args, "FINAL_PATH", "file:///tmp/fleetstream/final"),
        args.parsed("POSITION_TOLERANCE", SparkDuration.parse("10 minutes"), SparkDuration::parse),
        args.parsed("TARGET_FILE_SIZE", 128L << 20, CombineJobConfig::bytes),
        JobArgs.idleSpeedKmh(args),
        JobArgs.shufflePartitions(args),
        // a run that fell behind (weeks of changed days, a table made again) does a bounded part and
        // leaves the rest to the next runs, oldest days first
        args.integer("MAX_DAYS_PER_RUN", 31, 1, 3660),
        // sortable, so the newest manifest is the last in a listing
        args.string("RUN_ID", RUN_ID.format(Instant.now())));
    ConfigLog.unread("combine job", args);
    return config;
  }

  static long bytes(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a size like 128MB, 512KB or 1048576");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long bytes = switch (unit.charAt(0)) {
      case 'k' -> n << 10;
      case 'm' -> n << 20;
      case 'g' -> n << 30;
      default -> n;
    };
    if (bytes < 1024) {
      throw new IllegalArgumentException("at least 1KB");
    }
    return bytes;
  }
}
