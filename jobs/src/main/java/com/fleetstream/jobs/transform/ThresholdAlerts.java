package com.fleetstream.jobs.transform;

import com.fleetstream.jobs.config.Thresholds;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per sensor and metric: a {@code breach} alert when readings stay outside the limits for
 * {@code consecutive} readings in a row, a {@code recovered} alert at the first reading back inside.
 * Readings are taken in event-time order; one older than the last seen for its sensor (or a repeat of
 * it) cannot change the sequence any more and is skipped, and counted ({@link Alerts#OBSERVED}). A
 * sensor's state is dropped after {@code stateTimeout} without readings. Run the query with
 * {@link #QUERY_CONF}.
 */
public final class ThresholdAlerts {
  private static final StructType STATE = new StructType()
      .add("consecutive", DataTypes.IntegerType, false)
      .add("alerting", DataTypes.BooleanType, false)
      .add("last_time", DataTypes.LongType, false);

  private ThresholdAlerts() {}

  /**
   * Spark would run a batch without data at every trigger to look for processing-time timeouts; the
   * batches with data look for them too, which is often enough to bound the state.
   */
  public static final Map<String, String> QUERY_CONF = Deduplication.QUERY_CONF;

  /**
   * @param flagged readings with {@code breach} set by {@link ThresholdBreaches#flag}
   * @param stateTimeout a sensor's state is dropped after this long (processing time) without readings
   */
  public static Dataset<Row> detect(Dataset<Row> flagged, Thresholds thresholds, int consecutive,
      Duration stateTimeout) {
    return Alerts.countingSkipped(flagged
        .select("sensor_id", "metric", "value", "breach", "event_time", "event_id", "latitude", "longitude")
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0) + "\u0000" + r.getString(1), Encoders.STRING())
        .flatMapGroupsWithState(new Sequence(thresholds, consecutive, stateTimeout.toMillis()), OutputMode.Append(),
            Encoders.row(STATE), Encoders.row(Alerts.SCHEMA), GroupStateTimeout.ProcessingTimeTimeout()));
  }

  record Sequence(Thresholds thresholds, int consecutive, long timeoutMs)
      implements FlatMapGroupsWithStateFunction<String, Row, Row, Row> {
    @Override
    public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<Row> state) {
      if (state.hasTimedOut()) {
        state.remove();
        return java.util.Collections.emptyIterator();
      }
      int count = state.exists() ? state.get().getInt(0) : 0;
      boolean alerting = state.exists() && state.get().getBoolean(1);
      long last = state.exists() ? state.get().getLong(2) : Long.MIN_VALUE;
      List<Row> readings = new ArrayList<>();
      rows.forEachRemaining(readings::add);
      readings.sort(Comparator.comparing((Row r) -> r.getTimestamp(4)).thenComparing(r -> r.getString(5)));
      List<Row> alerts = new ArrayList<>();
      for (Row r : readings) {
        Timestamp time = r.getTimestamp(4);
        if (time.getTime() <= last) {
          alerts.add(Alerts.skipped(r.getString(0), "threshold:" + r.getString(1), time, r.getString(5)));
          continue;
        }
        last = time.getTime();
        String breach = r.getString(3);
        if (breach != null) {
          count++;
          if (count >= consecutive && !alerting) {
            alerting = true;
            alerts.add(alert(r, "breach", String.format(java.util.Locale.ROOT,
                "%s %s %s the limit %s for %d readings in a row, last %s", r.getString(0), r.getString(1), breach,
                limit(r.getString(1), breach), count, r.getDouble(2))));
          }
        } else {
          count = 0;
          if (alerting) {
            alerting = false;
            alerts.add(alert(r, "recovered", String.format(java.util.Locale.ROOT,
                "%s %s back within its limits: %s", r.getString(0), r.getString(1), r.getDouble(2))));
          }
        }
      }
      state.update(RowFactory.create(count, alerting, last));
      state.setTimeoutDuration(timeoutMs);
      return alerts.iterator();
    }

    private Double limit(String metric, String breach) {
      Thresholds.Range range = thresholds.byMetric().get(metric);
      return "above".equals(breach) ? range.max() : range.min();
    }

    private static Row alert(Row r, String kind, String detail) {
      return Alerts.alert(r.getString(0), "threshold:" + r.getString(1), kind, r.getTimestamp(4), r.getString(5),
          r.getDouble(2), nullableDouble(r, 6), nullableDouble(r, 7), detail);
    }
  }

  static Double nullableDouble(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDouble(i);
  }
}
