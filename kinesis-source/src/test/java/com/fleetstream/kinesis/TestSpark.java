package com.fleetstream.kinesis;

import org.apache.spark.sql.SparkSession;

/** The one SparkSession of a test JVM: local, two cores, no UI. */
final class TestSpark {
  private static SparkSession spark;

  private TestSpark() {}

  static synchronized SparkSession session() {
    if (spark == null) {
      spark = SparkSession.builder().master("local[2]").appName("kinesis-source-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .getOrCreate();
    }
    return spark;
  }
}
