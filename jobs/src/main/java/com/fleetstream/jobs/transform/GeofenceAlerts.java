package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.transform.ThresholdAlerts.nullableDouble;

import com.fleetstream.geo.Geofence;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 * Per vehicle: an {@code enter} or {@code exit} alert when a fix lands on the other side of a
 * geofence's boundary than the vehicle's previous fix, as the fence's {@code alert_on} asks. A
 * vehicle's first fix only says where it is. Fixes are taken in event-time order; one older than the
 * last seen for its vehicle (or a repeat of it) is skipped, and counted ({@link Alerts#OBSERVED}). A
 * vehicle's state is dropped after {@code stateTimeout} without fixes. Run the query with
 * {@link ThresholdAlerts#QUERY_CONF}.
 */
public final class GeofenceAlerts {
  private static final StructType STATE = new StructType()
      .add("last_time", DataTypes.LongType, false)
      .add("inside", DataTypes.createArrayType(DataTypes.StringType, false), false);

  private GeofenceAlerts() {}

  /** @param stateTimeout a vehicle's state is dropped after this long (processing time) without fixes */
  public static Dataset<Row> detect(Dataset<Row> fixes, List<Geofence> geofences, Duration stateTimeout) {
    return Alerts.countingSkipped(fixes.select("vehicle_id", "event_time", "event_id", "latitude", "longitude")
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroupsWithState(new Crossings(geofences, stateTimeout.toMillis()), OutputMode.Append(),
            Encoders.row(STATE), Encoders.row(Alerts.SCHEMA), GroupStateTimeout.ProcessingTimeTimeout()));
  }

  record Crossings(List<Geofence> geofences, long timeoutMs)
      implements FlatMapGroupsWithStateFunction<String, Row, Row, Row> {
    @Override
    public Iterator<Row> call(String vehicle, Iterator<Row> rows, GroupState<Row> state) {
      if (state.hasTimedOut()) {
        state.remove();
        return java.util.Collections.emptyIterator();
      }
      long last = state.exists() ? state.get().getLong(0) : Long.MIN_VALUE;
      Set<String> inside = state.exists() ? new TreeSet<>(state.get().<String>getList(1)) : null;
      List<Row> fixes = new ArrayList<>();
      rows.forEachRemaining(fixes::add);
      fixes.sort(Comparator.comparing((Row r) -> r.getTimestamp(1)).thenComparing(r -> r.getString(2)));
      List<Row> alerts = new ArrayList<>();
      for (Row r : fixes) {
        Timestamp time = r.getTimestamp(1);
        if (time.getTime() <= last) {
          alerts.add(Alerts.skipped(vehicle, "geofence", time, r.getString(2)));
          continue;
        }
        last = time.getTime();
        Set<String> now = new TreeSet<>();
        for (Geofence g : geofences) {
          boolean in = g.contains(r.getDouble(3), r.getDouble(4));
          if (in) {
            now.add(g.id());
          }
          if (inside != null && in != inside.contains(g.id()) && g.alertOn().on(in)) {
            alerts.add(Alerts.alert(vehicle, "geofence:" + g.id(), in ? "enter" : "exit", time, r.getString(2), null,
                nullableDouble(r, 3), nullableDouble(r, 4),
                vehicle + (in ? " entered " : " left ") + g.describe()));
          }
        }
        inside = now;
      }
      state.update(RowFactory.create(last, (inside == null ? Set.<String>of() : inside).toArray(String[]::new)));
      state.setTimeoutDuration(timeoutMs);
      return alerts.iterator();
    }
  }
}
