package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The dt=YYYY-MM-DD/hour=HH partition columns (UTC) that Athena and the crawlers expect. */
public final class Partitioning {
  public static final String[] COLUMNS = {"dt", "hour"};

  private Partitioning() {}

  public static Dataset<Row> byHourOf(Dataset<Row> rows, String timeColumn) {
    return rows
        .withColumn("dt", date_format(col(timeColumn), "yyyy-MM-dd"))
        .withColumn("hour", date_format(col(timeColumn), "HH"));
  }
}
