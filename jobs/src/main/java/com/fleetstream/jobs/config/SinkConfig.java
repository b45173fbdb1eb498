package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which sinks a streaming job writes every batch to, and their settings.
 *
 * @param compactionInterval how often the job compacts its append-only Delta tables' closed hours
 */
public record SinkConfig(
    Set<Kind> kinds,
    String deltaPath,
    int deltaTargetFileSizeMb,
    SparkDuration compactionInterval,
    Optional<PostgresConfig> postgres) {

  public enum Kind { PARQUET, DELTA, POSTGRES }

  public static final String ALL = "parquet,delta,postgres";

  public boolean writes(Kind kind) {
    return kinds.contains(kind);
  }

  static SinkConfig from(GlueArgs args, String outputPath) {
    Set<Kind> kinds = args.parsed("SINKS", EnumSet.allOf(Kind.class), SinkConfig::kinds);
    return new SinkConfig(
        kinds,
        JobArgs.uri(args, "DELTA_PATH", outputPath + "/delta"),
        args.integer("DELTA_TARGET_FILE_SIZE_MB", 128, 1, 4096),
        JobArgs.duration(args, "COMPACTION_INTERVAL", "1 hour"),
        kinds.contains(Kind.POSTGRES) ? Optional.of(PostgresConfig.from(args)) : Optional.empty());
  }

  private static Set<Kind> kinds(String list) {
    EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
    for (String name : list.split(",")) {
      try {
        kinds.add(Kind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown sink '" + name.trim() + "', expected some of "
            + Arrays.toString(Kind.values()).toLowerCase(Locale.ROOT));
      }
    }
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("no sink");
    }
    return kinds;
  }
}
