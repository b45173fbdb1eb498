package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * One device's tumbling windows on its own clock ({@link PerDevice}): its events are held until its
 * clock passes them, then folded into the open window in event-time order; a window is written once
 * the clock passes its end, or when the device falls silent. The state is the held events and one
 * window's sums, however long the window.
 *
 * <p>An event behind what the device already folded (a retry of one, one older than its clock
 * allows) is counted late, a repeat of a held one a duplicate, the rest kept: each batch writes a
 * counts row per device (the output's window start null) for the query's batch line.
 *
 * @param <E> an event as the fold holds it
 * @param <S> a window's running sums
 */
abstract class WindowFold<E extends WindowFold.Event, S extends WindowFold.RunningSums> implements PerDevice.Fold {
  /** What every held event has: its time in microseconds and its id, which order and deduplicate it. */
  interface Event {
    long us();

    String eventId();

    Row row();
  }

  /** A window's sums: its start, and its state row. */
  interface RunningSums {
    long startUs();

    Row row();
  }

  private static final Comparator<Event> ORDER = Comparator.comparingLong(Event::us).thenComparing(Event::eventId);

  private final long windowUs;
  private final int outputSize;
  private long foldedThroughUs = Long.MIN_VALUE;
  private final List<E> pending = new ArrayList<>();
  private final Set<String> held = new HashSet<>();
  private S open;
  private long kept;
  private long late;
  private long duplicates;

  /**
   * @param outputSize the output's columns, the last three the counts
   * @param saved the state as {@link #state} made it ({@link #schema}), or null
   */
  WindowFold(long windowUs, int outputSize, Row saved) {
    this.windowUs = windowUs;
    this.outputSize = outputSize;
    if (saved != null) {
      foldedThroughUs = saved.getLong(0);
      for (Row e : saved.<Row>getList(1)) {
        E event = readEvent(e);
        pending.add(event);
        held.add(key(event));
      }
      open = saved.isNullAt(2) ? null : readSums(saved.getStruct(2));
    }
  }

  /** The state's schema for events and sums of these schemas. */
  static StructType schema(StructType event, StructType sums) {
    return new StructType()
        .add("folded_through_us", DataTypes.LongType, false)
        .add("pending", DataTypes.createArrayType(event, false), false)
        .add("open", sums, true);
  }

  /** What the folds write for windows of {@code schema}: its columns, nullable, and the three counts. */
  static StructType output(StructType schema) {
    StructType out = new StructType();
    for (StructField f : schema.fields()) {
      out = out.add(f.name(), f.dataType(), true);
    }
    return out.add("kept", DataTypes.LongType, false).add("late", DataTypes.LongType, false)
        .add("duplicates", DataTypes.LongType, false);
  }

  /**
   * The folds' windows in {@code schema}; their counts summed per batch under observation
   * {@link PerDevice#COUNTS}, as the events query's deduplication counts.
   */
  static Dataset<Row> windows(Dataset<Row> folded, StructType schema) {
    return folded.observe(PerDevice.COUNTS, coalesce(sum("kept"), lit(0L)).as("kept"),
            coalesce(sum("late"), lit(0L)).as("late"), coalesce(sum("duplicates"), lit(0L)).as("duplicates"))
        .filter(col("window_start").isNotNull())
        .select(Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new));
  }

  /** An input row as the fold holds it. */
  abstract E event(Row input);

  abstract E readEvent(Row saved);

  abstract S readSums(Row saved);

  /** A window's sums from its first event. */
  abstract S first(long startUs, E e);

  /** The sums with a later event of the same window. */
  abstract S then(S sums, E e);

  /** The window's output row, the three counts at the end zero. */
  abstract Row window(S sums, long endUs);

  private static String key(Event e) {
    return e.us() + "/" + e.eventId();
  }

  @Override
  public void offer(Row input) {
    E e = event(input);
    if (e.us() < foldedThroughUs) {
      late++;
    } else if (!held.add(key(e))) {
      duplicates++;
    } else {
      pending.add(e);
      kept++;
    }
  }

  @Override
  public void advance(long watermarkMs, List<Row> out) {
    long watermarkUs = Math.multiplyExact(watermarkMs, 1_000L);
    if (watermarkUs > foldedThroughUs) {
      pending.sort(ORDER);
      int taken = 0;
      while (taken < pending.size() && pending.get(taken).us() < watermarkUs) {
        fold(pending.get(taken++), out);
      }
      List<E> folded = pending.subList(0, taken);
      folded.forEach(e -> held.remove(key(e)));
      folded.clear();
      foldedThroughUs = watermarkUs;
      if (open != null && open.startUs() + windowUs <= watermarkUs) {
        out.add(window(open, open.startUs() + windowUs));
        open = null;
      }
    }
    if (kept + late + duplicates > 0) {
      Object[] values = new Object[outputSize];
      values[outputSize - 3] = kept;
      values[outputSize - 2] = late;
      values[outputSize - 1] = duplicates;
      out.add(RowFactory.create(values));
    }
  }

  @Override
  public void close(List<Row> out) {
    pending.sort(ORDER);
    pending.forEach(e -> fold(e, out));
    pending.clear();
    held.clear();
    if (open != null) {
      out.add(window(open, open.startUs() + windowUs));
      foldedThroughUs = Math.max(foldedThroughUs, open.startUs() + windowUs);
      open = null;
    }
  }

  private void fold(E e, List<Row> out) {
    long start = Math.floorDiv(e.us(), windowUs) * windowUs;
    if (open != null && open.startUs() != start) {
      out.add(window(open, open.startUs() + windowUs));
      open = null;
    }
    open = open == null ? first(start, e) : then(open, e);
  }

  @Override
  public Row state() {
    return RowFactory.create(foldedThroughUs,
        JavaConverters.asScalaBuffer(pending.stream().map(Event::row).toList()).toSeq(),
        open == null ? null : open.row());
  }
}
