package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.config.StreamingConfig;
import org.apache.spark.sql.SparkSession;

/** The session every job runs in; on Glue the master and cluster settings come from Glue itself. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession forStreamingJob(String appName) {
    return SparkSession.builder().appName(appName).getOrCreate();
  }

  /**
   * Session settings a streaming job depends on, applied by the job itself so they hold however it
   * was launched. The shuffle partition count becomes the state partition count of a new checkpoint.
   */
  public static void configure(SparkSession spark, StreamingConfig config) {
    // dt/hour partitions and windows are UTC whatever the cluster's zone
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(config.shufflePartitions()));
    // streaming plans cannot use AQE; saying so keeps Spark from warning about it at every query start
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    long fileMb = config.sinks().deltaTargetFileSizeMb();
    spark.conf().set("spark.databricks.delta.optimizeWrite.binSize", Long.toString(fileMb));
    spark.conf().set("spark.databricks.delta.autoCompact.maxFileSize", Long.toString(fileMb << 20));
    spark.conf().set("spark.databricks.delta.optimize.maxFileSize", Long.toString(fileMb << 20));
  }
}
