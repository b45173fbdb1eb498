package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.jobs.config.Thresholds;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Marks readings outside their metric's limits: {@code breach} ("above"/"below", null when within). */
public final class ThresholdBreaches {
  private ThresholdBreaches() {}

  public static Dataset<Row> flag(Dataset<Row> readings, Thresholds thresholds) {
    Column breach = lit(null).cast(DataTypes.StringType);
    for (Map.Entry<String, Thresholds.Range> e : thresholds.byMetric().entrySet()) {
      Column metric = col("metric").equalTo(e.getKey());
      if (e.getValue().max() != null) {
        breach = when(metric.and(col("value").gt(e.getValue().max())), lit("above")).otherwise(breach);
      }
      if (e.getValue().min() != null) {
        breach = when(metric.and(col("value").lt(e.getValue().min())), lit("below")).otherwise(breach);
      }
    }
    return readings.withColumn("breach", breach);
  }

  public static Dataset<Row> breaches(Dataset<Row> flagged) {
    return flagged.filter(col("breach").isNotNull());
  }
}
