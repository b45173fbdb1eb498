package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.jobs.config.DeviceTime;
import com.fleetstream.jobs.config.SparkDuration;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link SensorWindowStats} on a stream: row for row what it computes over everything a sensor sent
 * (held to it by {@code WindowStatsTest}), each sensor and metric on its own clock ({@link WindowFold}).
 */
public final class SensorWindows {
  /** {@link SensorWindowStats}' columns. */
  public static final StructType SCHEMA = new StructType()
      .add("sensor_id", DataTypes.StringType, false)
      .add("device_id", DataTypes.StringType, true)
      .add("metric", DataTypes.StringType, false)
      .add("unit", DataTypes.StringType, true)
      .add("window_start", DataTypes.TimestampType, false)
      .add("window_end", DataTypes.TimestampType, false)
      .add("reading_count", DataTypes.LongType, false)
      .add("min_value", DataTypes.DoubleType, true)
      .add("max_value", DataTypes.DoubleType, true)
      .add("avg_value", DataTypes.DoubleType, true)
      .add("breach_count", DataTypes.LongType, false);
  private static final StructType OUTPUT = WindowFold.output(SCHEMA);
  /** One series a sensor's clock runs for: the columns {@link SensorWindowStats} groups by, as JSON. */
  private static final String SERIES = "series";

  private static final StructType READING = new StructType()
      .add("us", DataTypes.LongType, false)
      .add("event_id", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, false)
      .add("breach", DataTypes.BooleanType, false);
  private static final StructType SUMS = new StructType()
      .add("start_us", DataTypes.LongType, false)
      .add("readings", DataTypes.LongType, false)
      .add("sum", DataTypes.DoubleType, false)
      .add("min", DataTypes.DoubleType, true)
      .add("max", DataTypes.DoubleType, true)
      .add("breaches", DataTypes.LongType, false);
  private static final StructType STATE = WindowFold.schema(READING, SUMS);

  private SensorWindows() {}

  /**
   * @param flagged valid readings flagged by {@link ThresholdBreaches}, with {@code arrival_time}
   * @return window rows in {@link #SCHEMA}
   */
  public static Dataset<Row> aggregate(Dataset<Row> flagged, SparkDuration windowDuration, DeviceTime time) {
    Dataset<Row> series = flagged.select(to_json(struct(col("sensor_id"), col("device_id"), col("metric"),
        col("unit"))).as(SERIES), col("event_time"), col("event_id"), col("value"), col("breach").isNotNull()
        .as("breach"), col(PerDevice.ARRIVAL));
    return WindowFold.windows(PerDevice.apply(series, SERIES, new Folds(windowDuration.value().toNanos() / 1_000),
        OUTPUT, time), SCHEMA);
  }

  record Folds(long windowUs) implements PerDevice.Folds {
    @Override
    public StructType schema() {
      return STATE;
    }

    @Override
    public PerDevice.Fold open(String series, Row saved) {
      return new Fold(series, windowUs, saved);
    }
  }

  record Reading(long us, String eventId, double value, boolean breach) implements WindowFold.Event {
    static Reading read(Row r) {
      return new Reading(r.getLong(0), r.getString(1), r.getDouble(2), r.getBoolean(3));
    }

    @Override
    public Row row() {
      return RowFactory.create(us, eventId, value, breach);
    }
  }

  /** Statistics over the readings within thresholds; the breaching ones only counted. */
  record Sums(long startUs, long readings, double sum, Double min, Double max, long breaches)
      implements WindowFold.RunningSums {
    static Sums read(Row r) {
      return new Sums(r.getLong(0), r.getLong(1), r.getDouble(2), r.isNullAt(3) ? null : r.getDouble(3),
          r.isNullAt(4) ? null : r.getDouble(4), r.getLong(5));
    }

    Sums with(Reading r) {
      if (r.breach()) {
        return new Sums(startUs, readings, sum, min, max, breaches + 1);
      }
      return new Sums(startUs, readings + 1, sum + r.value(), min == null ? r.value() : Math.min(min, r.value()),
          max == null ? r.value() : Math.max(max, r.value()), breaches);
    }

    @Override
    public Row row() {
      return RowFactory.create(startUs, readings, sum, min, max, breaches);
    }
  }

  static final class Fold extends WindowFold<Reading, Sums> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode series;

    Fold(String series, long windowUs, Row saved) {
      super(windowUs, OUTPUT.size(), saved);
      try {
        this.series = JSON.readTree(series);
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    Reading event(Row r) {
      return new Reading(Micros.of((Timestamp) r.get(1)), r.getString(2), r.getDouble(3), r.getBoolean(4));
    }

    @Override
    Reading readEvent(Row saved) {
      return Reading.read(saved);
    }

    @Override
    Sums readSums(Row saved) {
      return Sums.read(saved);
    }

    @Override
    Sums first(long startUs, Reading r) {
      return new Sums(startUs, 0, 0, null, null, 0).with(r);
    }

    @Override
    Sums then(Sums s, Reading r) {
      return s.with(r);
    }

    @Override
    Row window(Sums s, long endUs) {
      return RowFactory.create(text("sensor_id"), text("device_id"), text("metric"), text("unit"),
          Micros.timestamp(s.startUs()), Micros.timestamp(endUs), s.readings(), s.min(), s.max(),
          s.readings() == 0 ? null : s.sum() / s.readings(), s.breaches(), 0L, 0L, 0L);
    }

    private String text(String field) {
      JsonNode value = series.get(field);
      return value == null || value.isNull() ? null : value.asText();
    }
  }
}
