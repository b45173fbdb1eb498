package com.fleetstream.jobs.transform;

import com.fleetstream.jobs.config.DeviceTime;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * Runs a computation per device (vehicle, sensor) on that device's own event time ({@link DeviceTime}):
 * its clock is the latest event time it sent, and the computation takes its events in event-time
 * order once that clock is {@code reorder} past them. No other device's events move it, so a tracker
 * that flushes an hour of buffered fixes, or one whose clock runs fast, changes no one else's results,
 * and its own fixes land where they belong however far behind the fleet they arrive.
 *
 * <p>What wakes a silent device is stream time: the watermark follows Kinesis arrival times, not any
 * device's clock. A device that sent nothing for {@code maxDelay} of it is closed ({@link Fold#close});
 * after {@code retention} it is forgotten. Records arriving more than {@code maxDelay} after the
 * newest one read (shards read far apart) are dropped by Spark and counted late.
 */
public final class PerDevice {
  /** The column the stream-time watermark follows. */
  public static final String ARRIVAL = "arrival_time";
  /**
   * The observation a fold's counts go under: fixes it kept, and dropped as late or as repeats. The
   * events query's deduplication counts under the same name, so the batch line reads alike.
   */
  public static final String COUNTS = "kept";

  private PerDevice() {}

  /** One device's computation between two batches; made from its saved state by a {@link Folds}. */
  public interface Fold {
    /** Takes an input row of the device; it is held until the device's clock has passed it. */
    void offer(Row row);

    /** Takes the held rows older than {@code watermarkMs} in event-time order; adds what finished to {@code out}. */
    void advance(long watermarkMs, List<Row> out);

    /** The device went silent: takes every held row and finishes what is open. */
    void close(List<Row> out);

    /** What to keep until the next batch, in {@link Folds#schema}. */
    Row state();
  }

  /** Makes a device's {@link Fold}, fresh or from what it saved. */
  public interface Folds extends Serializable {
    StructType schema();

    Fold open(String device, Row saved);
  }

  /**
   * @param rows the devices' valid events, with {@code event_time} and {@link #ARRIVAL}
   * @param deviceColumn the column naming the device
   * @param output the schema of the rows the folds write
   */
  public static Dataset<Row> apply(Dataset<Row> rows, String deviceColumn, Folds folds, StructType output,
      DeviceTime time) {
    int device = rows.schema().fieldIndex(deviceColumn);
    StructType state = new StructType()
        .add("device_max", DataTypes.LongType, false)
        .add("last_arrival", DataTypes.LongType, false)
        .add("closed", DataTypes.BooleanType, false)
        .add("fold", folds.schema(), false);
    return rows.withWatermark(ARRIVAL, time.maxDelay().toMillis() + " milliseconds")
        .groupByKey((MapFunction<Row, String>) r -> r.getString(device), Encoders.STRING())
        .flatMapGroupsWithState(new Clock(folds, time, rows.schema().fieldIndex("event_time"),
            rows.schema().fieldIndex(ARRIVAL)), OutputMode.Append(), Encoders.row(state), Encoders.row(output),
            GroupStateTimeout.EventTimeTimeout());
  }

  /** The state function: a device's clock and its fold. */
  public record Clock(Folds folds, DeviceTime time, int eventTime, int arrival)
      implements FlatMapGroupsWithStateFunction<String, Row, Row, Row> {
    @Override
    public Iterator<Row> call(String device, Iterator<Row> rows, GroupState<Row> state) {
      // the watermark is the newest arrival read, less maxDelay: a timeout at a device's last arrival
      // fires once the stream has moved maxDelay past it
      long watermark = Math.max(0, state.getCurrentWatermarkMs());
      Row saved = state.exists() ? state.get() : null;
      long deviceMax = saved == null ? Long.MIN_VALUE : saved.getLong(0);
      long lastArrival = saved == null ? Long.MIN_VALUE : saved.getLong(1);
      Fold fold = folds.open(device, saved == null ? null : saved.getStruct(3));
      List<Row> out = new ArrayList<>();
      if (state.hasTimedOut()) {
        if (saved.getBoolean(2)) {
          state.remove();
        } else {
          fold.close(out);
          state.update(RowFactory.create(deviceMax, lastArrival, true, fold.state()));
          state.setTimeoutTimestamp(Math.max(lastArrival + time.retention().toMillis() - time.maxDelay().toMillis(),
              watermark));
        }
        return out.iterator();
      }
      while (rows.hasNext()) {
        Row r = rows.next();
        deviceMax = Math.max(deviceMax, ((Timestamp) r.get(eventTime)).getTime());
        lastArrival = Math.max(lastArrival, ((Timestamp) r.get(arrival)).getTime());
        fold.offer(r);
      }
      fold.advance(deviceMax - time.reorder().toMillis(), out);
      state.update(RowFactory.create(deviceMax, lastArrival, false, fold.state()));
      state.setTimeoutTimestamp(Math.max(lastArrival, watermark));
      return out.iterator();
    }
  }
}
