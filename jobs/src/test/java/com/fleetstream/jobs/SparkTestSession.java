package com.fleetstream.jobs;

import com.fleetstream.jobs.runtime.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** The one SparkSession of a test JVM: local, two cores, UTC, Delta, few shuffle partitions. */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSessions.local("fleetstream-tests", 2)
          .config("spark.sql.shuffle.partitions", "2")
          .getOrCreate();
    }
    return spark;
  }
}
