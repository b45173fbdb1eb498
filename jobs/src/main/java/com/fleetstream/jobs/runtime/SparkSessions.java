package com.fleetstream.jobs.runtime;

import com.fleetstream.jobs.config.StreamingConfig;
import org.apache.spark.sql.SparkSession;

/** The session every job runs in; on Glue the master and cluster settings come from Glue itself. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession forStreamingJob(String appName, StreamingConfig config) {
    SparkSession spark = SparkSession.builder().appName(appName).getOrCreate();
    // dt/hour partitions and windows are UTC whatever the cluster's zone
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(config.shufflePartitions()));
    return spark;
  }
}
