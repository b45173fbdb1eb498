package com.fleetstream.jobs.transform;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.config.DeviceTime;
import com.fleetstream.jobs.config.SparkDuration;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link VehicleWindowStats} on a stream: row for row what it computes over everything a vehicle
 * sent (held to it by {@code WindowStatsTest}), each vehicle on its own clock ({@link WindowFold}).
 */
public final class VehicleWindows {
  /** {@link VehicleWindowStats}' columns. */
  public static final StructType SCHEMA = new StructType()
      .add("vehicle_id", DataTypes.StringType, false)
      .add("window_start", DataTypes.TimestampType, false)
      .add("window_end", DataTypes.TimestampType, false)
      .add("fix_count", DataTypes.LongType, false)
      .add("distance_km", DataTypes.DoubleType, false)
      .add("avg_speed_kmh", DataTypes.DoubleType, true)
      .add("max_speed_kmh", DataTypes.DoubleType, true)
      .add("idle_minutes", DataTypes.DoubleType, false)
      .add("driving_minutes", DataTypes.DoubleType, false)
      .add("first_event_time", DataTypes.TimestampType, false)
      .add("first_latitude", DataTypes.DoubleType, false)
      .add("first_longitude", DataTypes.DoubleType, false)
      .add("last_event_time", DataTypes.TimestampType, false)
      .add("last_latitude", DataTypes.DoubleType, false)
      .add("last_longitude", DataTypes.DoubleType, false);
  private static final StructType OUTPUT = WindowFold.output(SCHEMA);

  private static final StructType FIX = new StructType()
      .add("us", DataTypes.LongType, false)
      .add("event_id", DataTypes.StringType, false)
      .add("latitude", DataTypes.DoubleType, false)
      .add("longitude", DataTypes.DoubleType, false)
      .add("speed", DataTypes.DoubleType, true);
  private static final StructType SUMS = new StructType()
      .add("start_us", DataTypes.LongType, false)
      .add("fixes", DataTypes.LongType, false)
      .add("speed_sum", DataTypes.DoubleType, false)
      .add("speeds", DataTypes.LongType, false)
      .add("max_speed", DataTypes.DoubleType, true)
      .add("km", DataTypes.DoubleType, false)
      .add("idle_minutes", DataTypes.DoubleType, false)
      .add("driving_minutes", DataTypes.DoubleType, false)
      .add("first", FIX, false)
      .add("last", FIX, false);
  private static final StructType STATE = WindowFold.schema(FIX, SUMS);

  private VehicleWindows() {}

  /**
   * @param fixes valid fixes with {@code arrival_time}, repeats and all: each vehicle drops its own
   * @return window rows in {@link #SCHEMA}
   */
  public static Dataset<Row> aggregate(Dataset<Row> fixes, SparkDuration windowDuration, double idleSpeedKmh,
      DeviceTime time) {
    return WindowFold.windows(PerDevice.apply(fixes.select("vehicle_id", "event_time", "event_id", "latitude",
        "longitude", "speed_kmh", PerDevice.ARRIVAL), "vehicle_id",
        new Folds(windowDuration.value().toNanos() / 1_000, idleSpeedKmh), OUTPUT, time), SCHEMA);
  }

  record Folds(long windowUs, double idleSpeedKmh) implements PerDevice.Folds {
    @Override
    public StructType schema() {
      return STATE;
    }

    @Override
    public PerDevice.Fold open(String vehicle, Row saved) {
      return new Fold(vehicle, windowUs, idleSpeedKmh, saved);
    }
  }

  /** A fix as the fold holds it: speed null when the fix had none. */
  record Fix(long us, String eventId, double latitude, double longitude, Double speed) implements WindowFold.Event {
    static Fix read(Row r) {
      return new Fix(r.getLong(0), r.getString(1), r.getDouble(2), r.getDouble(3), r.isNullAt(4) ? null : r.getDouble(4));
    }

    @Override
    public Row row() {
      return RowFactory.create(us, eventId, latitude, longitude, speed);
    }
  }

  /** One window's running sums, and its last fix for the next leg. */
  record Sums(long startUs, long fixes, double speedSum, long speeds, Double maxSpeed, double km, double idleMinutes,
      double drivingMinutes, Fix first, Fix last) implements WindowFold.RunningSums {
    static Sums read(Row r) {
      return new Sums(r.getLong(0), r.getLong(1), r.getDouble(2), r.getLong(3),
          r.isNullAt(4) ? null : r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getDouble(7),
          Fix.read(r.getStruct(8)), Fix.read(r.getStruct(9)));
    }

    @Override
    public Row row() {
      return RowFactory.create(startUs, fixes, speedSum, speeds, maxSpeed, km, idleMinutes, drivingMinutes,
          first.row(), last.row());
    }
  }

  /**
   * Time between two fixes counts as idle when the earlier fix was below the idle speed, and as
   * neither when it has no speed, as in {@link VehicleWindowStats}.
   */
  static final class Fold extends WindowFold<Fix, Sums> {
    private final String vehicle;
    private final double idleSpeedKmh;

    Fold(String vehicle, long windowUs, double idleSpeedKmh, Row saved) {
      super(windowUs, OUTPUT.size(), saved);
      this.vehicle = vehicle;
      this.idleSpeedKmh = idleSpeedKmh;
    }

    @Override
    Fix event(Row r) {
      return new Fix(Micros.of((Timestamp) r.get(1)), r.getString(2), r.getDouble(3), r.getDouble(4),
          r.isNullAt(5) ? null : r.getDouble(5));
    }

    @Override
    Fix readEvent(Row saved) {
      return Fix.read(saved);
    }

    @Override
    Sums readSums(Row saved) {
      return Sums.read(saved);
    }

    @Override
    Sums first(long startUs, Fix f) {
      return new Sums(startUs, 1, f.speed() == null ? 0 : f.speed(), f.speed() == null ? 0 : 1, f.speed(), 0, 0, 0,
          f, f);
    }

    @Override
    Sums then(Sums s, Fix f) {
      Fix last = s.last();
      double km = GreatCircle.haversineKm(last.latitude(), last.longitude(), f.latitude(), f.longitude());
      double minutes = (f.us() - last.us()) / 60e6;
      boolean idle = last.speed() != null && last.speed() < idleSpeedKmh;
      boolean driving = last.speed() != null && !idle;
      Double max = f.speed() == null ? s.maxSpeed() : s.maxSpeed() == null ? f.speed()
          : Math.max(s.maxSpeed(), f.speed());
      return new Sums(s.startUs(), s.fixes() + 1, s.speedSum() + (f.speed() == null ? 0 : f.speed()),
          s.speeds() + (f.speed() == null ? 0 : 1), max, s.km() + km, s.idleMinutes() + (idle ? minutes : 0),
          s.drivingMinutes() + (driving ? minutes : 0), s.first(), f);
    }

    @Override
    Row window(Sums s, long endUs) {
      return RowFactory.create(vehicle, Micros.timestamp(s.startUs()), Micros.timestamp(endUs), s.fixes(), s.km(),
          s.speeds() == 0 ? null : s.speedSum() / s.speeds(), s.maxSpeed(), s.idleMinutes(), s.drivingMinutes(),
          Micros.timestamp(s.first().us()), s.first().latitude(), s.first().longitude(),
          Micros.timestamp(s.last().us()), s.last().latitude(), s.last().longitude(), 0L, 0L, 0L);
    }
  }
}
