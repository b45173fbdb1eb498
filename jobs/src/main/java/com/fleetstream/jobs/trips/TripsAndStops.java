package com.fleetstream.jobs.trips;

import static org.apache.spark.sql.functions.col;

import com.fleetstream.geo.Geofence;
import com.fleetstream.jobs.config.DeviceTime;
import com.fleetstream.jobs.config.TripRules;
import com.fleetstream.jobs.transform.Alerts;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.jobs.transform.PerDevice;
import com.fleetstream.jobs.transform.ThresholdAlerts;
import com.fleetstream.jobs.trips.TripDetector.Fix;
import com.fleetstream.jobs.trips.TripDetector.Point;
import com.fleetstream.jobs.trips.TripDetector.Segment;
import com.fleetstream.jobs.trips.TripDetector.State;
import com.fleetstream.jobs.trips.TripDetector.Track;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Per vehicle, finished trips and stops ({@link TripDetector}) as rows of one schema told apart by
 * {@code kind}; {@link #trips} and {@link #stops} select each table's columns. Each vehicle on its own
 * clock ({@link PerDevice}): its state holds its fixes until its clock passes them, and a trip under
 * way when it falls silent ends by the gap once the silence reaches {@code MAX_DEVICE_DELAY}. A fix
 * older than what its vehicle already took, or at the same instant, is counted as out of order
 * ({@link Alerts#OBSERVED}). Run the query with {@link ThresholdAlerts#QUERY_CONF}: batches without data
 * would only look for silent vehicles, which every batch with data does too. Trip and stop ids are the vehicle, the kind and the start time, so a
 * replayed batch writes the same rows again and the sinks merge them.
 */
public final class TripsAndStops {
  private static final StructType POINT = new StructType()
      .add("time", DataTypes.LongType, false)
      .add("latitude", DataTypes.DoubleType, false)
      .add("longitude", DataTypes.DoubleType, false);
  private static final StructType TRACK = new StructType()
      .add("start", POINT, false)
      .add("end", POINT, false)
      .add("km", DataTypes.DoubleType, false)
      .add("moving_ms", DataTypes.LongType, false)
      .add("idle_ms", DataTypes.LongType, false)
      .add("max_speed_kmh", DataTypes.DoubleType, false)
      .add("fixes", DataTypes.IntegerType, false);
  private static final StructType FIX = new StructType()
      .add("time", DataTypes.LongType, false)
      .add("event_id", DataTypes.StringType, false)
      .add("latitude", DataTypes.DoubleType, false)
      .add("longitude", DataTypes.DoubleType, false)
      .add("speed_kmh", DataTypes.DoubleType, true)
      .add("engine", DataTypes.StringType, true);
  static final StructType STATE = new StructType()
      .add("trip", TRACK, true)
      .add("stop_start", POINT, true)
      .add("candidate_stop", POINT, true)
      .add("candidate", TRACK, true)
      .add("last", POINT, true)
      .add("pending", DataTypes.createArrayType(FIX, false), false);

  public static final StructType SEGMENT = new StructType()
      .add("segment_id", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("vehicle_id", DataTypes.StringType, false)
      .add("start_time", DataTypes.TimestampType, false)
      .add("end_time", DataTypes.TimestampType, false)
      .add("start_latitude", DataTypes.DoubleType, true)
      .add("start_longitude", DataTypes.DoubleType, true)
      .add("end_latitude", DataTypes.DoubleType, true)
      .add("end_longitude", DataTypes.DoubleType, true)
      .add("duration_minutes", DataTypes.DoubleType, true)
      .add("distance_km", DataTypes.DoubleType, true)
      .add("moving_minutes", DataTypes.DoubleType, true)
      .add("idle_minutes", DataTypes.DoubleType, true)
      .add("avg_speed_kmh", DataTypes.DoubleType, true)
      .add("max_speed_kmh", DataTypes.DoubleType, true)
      .add("fix_count", DataTypes.IntegerType, true)
      .add("ended_by", DataTypes.StringType, true)
      .add("geofence_id", DataTypes.StringType, true);

  public static final String[] TRIP_COLUMNS = {"trip_id", "vehicle_id", "start_time", "end_time", "start_latitude",
      "start_longitude", "end_latitude", "end_longitude", "duration_minutes", "distance_km", "moving_minutes",
      "idle_minutes", "avg_speed_kmh", "max_speed_kmh", "fix_count", "ended_by"};
  public static final String[] STOP_COLUMNS = {"stop_id", "vehicle_id", "start_time", "end_time", "duration_minutes",
      "latitude", "longitude", "geofence_id"};

  private TripsAndStops() {}

  /**
   * @param fixes valid fixes with {@code arrival_time} (repeats of an event id do no harm: they come at
   *     the same instant)
   * @param geofences a stop lying in one of them names the first
   * @param time each vehicle's own clock: fixes are taken once it is {@code reorder} past them
   */
  public static Dataset<Row> detect(Dataset<Row> fixes, TripRules rules, List<Geofence> geofences, DeviceTime time) {
    return Alerts.countingSkipped(PerDevice.apply(fixes.select("vehicle_id", "event_time", "event_id", "latitude",
        "longitude", "speed_kmh", "engine_status", PerDevice.ARRIVAL), "vehicle_id", new Detection(rules, geofences),
        SEGMENT, time));
  }

  /** The trips among {@link #detect}'s rows, with the partition columns the caller added. */
  public static Dataset<Row> trips(Dataset<Row> segments) {
    return segments.filter(col("kind").equalTo(TripDetector.TRIP)).withColumnRenamed("segment_id", "trip_id")
        .select(columns(TRIP_COLUMNS));
  }

  /** The stops among {@link #detect}'s rows, positioned where they began. */
  public static Dataset<Row> stops(Dataset<Row> segments) {
    return segments.filter(col("kind").equalTo(TripDetector.STOP)).withColumnRenamed("segment_id", "stop_id")
        .withColumnRenamed("start_latitude", "latitude").withColumnRenamed("start_longitude", "longitude")
        .select(columns(STOP_COLUMNS));
  }

  private static Column[] columns(String[] names) {
    return Stream.concat(Arrays.stream(names), Arrays.stream(Partitioning.COLUMNS)).map(functions::col)
        .toArray(Column[]::new);
  }

  /** A {@link TripDetector} per vehicle, on its own clock. */
  record Detection(TripRules rules, List<Geofence> geofences) implements PerDevice.Folds {
    @Override
    public StructType schema() {
      return STATE;
    }

    @Override
    public PerDevice.Fold open(String vehicle, Row saved) {
      TripDetector detector = saved == null ? new TripDetector(rules) : new TripDetector(rules, state(saved));
      return new PerDevice.Fold() {
        @Override
        public void offer(Row r) {
          detector.offer(new Fix(r.getTimestamp(1).getTime(), r.getString(2), r.getDouble(3), r.getDouble(4),
              r.isNullAt(5) ? null : r.getDouble(5), r.getString(6)));
        }

        @Override
        public void advance(long watermarkMs, List<Row> out) {
          detector.advance(watermarkMs).forEach(s -> out.add(segment(vehicle, s)));
          for (int i = 0; i < detector.repeats(); i++) {
            out.add(skipped(vehicle));
          }
        }

        @Override
        public void close(List<Row> out) {
          advance(Long.MAX_VALUE, out);
        }

        @Override
        public Row state() {
          return row(detector.state());
        }
      };
    }

    private Row segment(String vehicle, Segment s) {
      Timestamp start = new Timestamp(s.start().time());
      double minutes = (s.end().time() - s.start().time()) / 60_000.0;
      String id = vehicle + "|" + s.kind() + "|" + start.toInstant();
      Track t = s.track();
      if (t == null) {
        String fence = geofences.stream().filter(g -> g.contains(s.start().latitude(), s.start().longitude()))
            .map(Geofence::id).findFirst().orElse(null);
        return RowFactory.create(id, s.kind(), vehicle, start, new Timestamp(s.end().time()), s.start().latitude(),
            s.start().longitude(), s.end().latitude(), s.end().longitude(), round(minutes, 2), null, null, null, null,
            null, null, null, fence);
      }
      return RowFactory.create(id, s.kind(), vehicle, start, new Timestamp(s.end().time()), s.start().latitude(),
          s.start().longitude(), s.end().latitude(), s.end().longitude(), round(minutes, 2), round(t.km(), 3),
          round(t.movingMs() / 60_000.0, 2), round(t.idleMs() / 60_000.0, 2),
          minutes > 0 ? round(t.km() / (minutes / 60), 1) : 0.0, round(t.maxSpeedKmh(), 1), t.fixes(), s.endedBy(),
          null);
    }

    /** A marker {@link Alerts#countingSkipped} counts and drops. */
    private static Row skipped(String vehicle) {
      Object[] values = new Object[SEGMENT.size()];
      values[0] = "";
      values[1] = Alerts.SKIPPED;
      values[2] = vehicle;
      values[3] = new Timestamp(0);
      values[4] = new Timestamp(0);
      return RowFactory.create(values);
    }
  }

  private static double round(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }

  static Row row(State s) {
    return RowFactory.create(row(s.trip()), row(s.stopStart()), row(s.candidateStop()), row(s.candidate()),
        row(s.last()), JavaConverters.asScalaBuffer(s.pending().stream().map(f -> RowFactory.create(f.time(),
            f.eventId(), f.latitude(), f.longitude(), f.speedKmh(), f.engine())).toList()).toSeq());
  }

  static State state(Row r) {
    List<Fix> pending = new ArrayList<>();
    for (Row f : r.<Row>getList(5)) {
      pending.add(new Fix(f.getLong(0), f.getString(1), f.getDouble(2), f.getDouble(3),
          f.isNullAt(4) ? null : f.getDouble(4), f.getString(5)));
    }
    return new State(track(r.getStruct(0)), point(r.getStruct(1)), point(r.getStruct(2)), track(r.getStruct(3)),
        point(r.getStruct(4)), pending);
  }

  private static Row row(Point p) {
    return p == null ? null : RowFactory.create(p.time(), p.latitude(), p.longitude());
  }

  private static Row row(Track t) {
    return t == null ? null : RowFactory.create(row(t.start()), row(t.end()), t.km(), t.movingMs(), t.idleMs(),
        t.maxSpeedKmh(), t.fixes());
  }

  private static Point point(Row r) {
    return r == null ? null : new Point(r.getLong(0), r.getDouble(1), r.getDouble(2));
  }

  private static Track track(Row r) {
    return r == null ? null : new Track(point(r.getStruct(0)), point(r.getStruct(1)), r.getDouble(2), r.getLong(3),
        r.getLong(4), r.getDouble(5), r.getInt(6));
  }
}
