package com.fleetstream.jobs;

import com.fleetstream.jobs.runtime.SparkSessions;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: local, two cores, UTC, Delta, and the session settings every
 * job sets ({@link SparkSessions#settings}) with two shuffle partitions, so that a test of a sink or a
 * transform runs as it runs in a job, whichever test of the JVM comes first.
 */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      SparkSession.Builder builder = SparkSessions.local("fleetstream-tests", 2);
      SparkSessions.settings(2).forEach(builder::config);
      spark = builder.getOrCreate();
    }
    return spark;
  }
}
