package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.config.StreamingConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The session every job runs in; on Glue the master and cluster settings come from Glue itself. */
public final class SparkSessions {
  /** How often an idle query reports itself when the job stops once drained ({@link QueryStops#idle}). */
  static final String DRAINING_PROGRESS_INTERVAL = "500ms";

  /**
   * What a Delta session needs besides Delta on the classpath. Glue's {@code --datalake-formats delta}
   * only adds the jars: without these Delta 3.3 refuses the first write
   * ({@code DELTA_CONFIGURE_SPARK_SESSION_WITH_EXTENSION_AND_CATALOG}), so the job sets them itself.
   */
  public static final Map<String, String> DELTA = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

  private SparkSessions() {}

  /**
   * The session of a job's main. Static settings take effect only in the builder of the first
   * session, which on Glue is this one: Glue runs the {@code --class} main before any session exists.
   */
  public static SparkSession forJob(String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    DELTA.forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * Outside Glue (local run, tests, benchmarks, a job JVM started by a test): the settings of a
   * local session like Glue's (UTC, Delta), on loopback and without a UI.
   */
  public static Map<String, String> localConf(int cores) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[" + cores + "]");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.sql.codegen.cache.maxEntries", "2000");
    conf.putAll(DELTA);
    return conf;
  }

  public static SparkSession.Builder local(String appName, int cores) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    localConf(cores).forEach(builder::config);
    return builder;
  }

  /**
   * Session settings every job depends on, applied by the job itself so they hold however it was
   * launched.
   */
  public static void configure(SparkSession spark, int shufflePartitions) {
    settings(shufflePartitions).forEach(spark.conf()::set);
    // Falling back from a huge whole-stage method is meant (below); Spark reports it at INFO with the
    // whole plan, for every micro-batch
    org.apache.logging.log4j.core.config.Configurator.setLevel(
        "org.apache.spark.sql.execution.WholeStageCodegenExec", org.apache.logging.log4j.Level.WARN);
  }

  /**
   * Spark's constraint propagation infers, for every alias of every projection, each constraint
   * rewritten in its terms. Validation aliases dozens of columns around a 40-branch CASE (the
   * quarantine reason), and the sensor readings' expansion adds more: planning deduplicated
   * readings' windows with it on runs out of a 3 GB heap after minutes in
   * {@code Project.getAllValidConstraints} (the transform benchmark's baseline, 100k readings). It
   * mostly infers IS NOT NULL filters for joins, which these plans barely have.
   */
  public static final Map<String, String> PLANNING = Map.of("spark.sql.constraintPropagation.enabled", "false");

  /** What {@link #configure(SparkSession, int)} sets. */
  public static Map<String, String> settings(int shufflePartitions) {
    Map<String, String> settings = new LinkedHashMap<>();
    // dt/hour partitions, days and windows are UTC whatever the cluster's zone
    settings.put("spark.sql.session.timeZone", "UTC");
    settings.put("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions));
    // HotSpot never compiles a method of more than 8,000 bytes of bytecode. Validation's
    // whole-stage method is larger and ran interpreted; above this limit Spark generates code per
    // operator instead, which the JIT compiles (GPS parsing 10.8 -> 7.3 s for 1M fixes, 2 cores).
    settings.put("spark.sql.codegen.hugeMethodLimit", "8000");
    // A batch is cached once and read back by its sinks within seconds: dictionary-encoding its
    // strings cost 8% of the transform's CPU and saved memory it did not need to save.
    settings.put("spark.sql.inMemoryColumnarStorage.compressed", "false");
    // Delta rebuilds a table's snapshot state after every commit, as a shuffle into 50 partitions
    // by default. The logs of these tables hold thousands of actions, not millions: a 5,000-row
    // append took a median 1.9 s with 50 partitions and 0.5 s with 2 (2 cores).
    settings.put("spark.databricks.delta.snapshotPartitions", "2");
    // Delta's VACUUM lists the table's folders in this many tasks, 10,000 by default: the VACUUM of a
    // small table (LakeSinksIT) took 57 s with them on 2 cores, 5 s with 2. Spark's own parallel listing of
    // many partition folders takes the same setting.
    settings.put("spark.sql.sources.parallelPartitionDiscovery.parallelism", Integer.toString(shufflePartitions));
    settings.putAll(PLANNING);
    return settings;
  }

  /**
   * Plus what a streaming job needs. The shuffle partition count becomes the state partition count
   * of a new checkpoint.
   */
  public static void configure(SparkSession spark, StreamingConfig config) {
    configure(spark, config.shufflePartitions());
    // streaming plans cannot use AQE; saying so keeps Spark from warning about it at every query start
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    long fileMb = config.sinks().deltaTargetFileSizeMb();
    spark.conf().set("spark.databricks.delta.optimizeWrite.binSize", Long.toString(fileMb));
    spark.conf().set("spark.databricks.delta.autoCompact.maxFileSize", Long.toString(fileMb << 20));
    spark.conf().set("spark.databricks.delta.optimize.maxFileSize", Long.toString(fileMb << 20));
    // the retention of the tables the job makes, set on purpose rather than inherited: VACUUM
    // (Housekeeping) deletes replaced files after 7 days, the log keeps 30 days of versions to time-travel
    spark.conf().set("spark.databricks.delta.properties.defaults.deletedFileRetentionDuration", "interval 7 days");
    spark.conf().set("spark.databricks.delta.properties.defaults.logRetentionDuration", "interval 30 days");
    if (config.stopWhenDrained()) {
      // a query with nothing to read reports so every 10 s by default: a drained job would wait for it
      spark.conf().set("spark.sql.streaming.noDataProgressEventInterval", DRAINING_PROGRESS_INTERVAL);
    }
    if (config.checkpointPath().startsWith("file:")) {
      // Hadoop's FileContext renames on the local file system fork a readlink process for each file;
      // the FileSystem-based manager renames in-process, atomic on a local disk all the same
      spark.conf().set("spark.sql.streaming.checkpointFileManagerClass",
          "org.apache.spark.sql.execution.streaming.FileSystemBasedCheckpointFileManager");
    }
  }
}
