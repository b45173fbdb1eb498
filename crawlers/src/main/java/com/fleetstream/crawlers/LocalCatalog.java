package com.fleetstream.crawlers;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * What the crawlers make on AWS, made in Spark's catalog: the same databases and tables over the
 * same data, so the local run and the tests query them with the Athena SQL in {@code sql/athena}.
 */
public final class LocalCatalog {
  private LocalCatalog() {}

  /** @param bucketUris logical bucket ("curated", "final") to its base URI */
  public static void register(SparkSession spark, Map<String, String> bucketUris) {
    CrawlerDefinitions defs = CrawlerDefinitions.load();
    defs.databases().values().forEach(db -> spark.sql("CREATE DATABASE IF NOT EXISTS " + identifier(db)));
    for (CrawlerDefinitions.Crawler c : defs.crawlers()) {
      String base = bucketUris.get(c.bucket());
      if (base == null) {
        throw new IllegalArgumentException("no location given for bucket '" + c.bucket() + "'");
      }
      String table = identifier(c.database()) + "." + identifier(c.table());
      spark.sql("DROP TABLE IF EXISTS " + table);
      if (!exists(spark, base + "/" + c.path())) {
        continue; // nothing written there yet; a crawler would find nothing either
      }
      spark.catalog().createTable(c.database() + "." + c.table(), base + "/" + c.path(), c.format());
      if (c.format().equals("parquet")) {
        spark.sql("ALTER TABLE " + table + " RECOVER PARTITIONS");
      }
    }
  }

  private static boolean exists(SparkSession spark, String uri) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String identifier(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a catalog name: " + name);
    }
    return name;
  }
}
