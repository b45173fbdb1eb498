package com.fleetstream.jobs.sink;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Some of a query's sinks (a table in the lake's formats, a PostgreSQL statement, ...), as one
 * value a job's {@code main} combines: {@code sinks.lake("events").taking(EventOutcomes::onTime)}.
 */
public record Sinks(List<BatchSink> list) {
  public static final Sinks NONE = new Sinks(List.of());

  public Sinks {
    list = List.copyOf(list);
  }

  public static Sinks of(Sinks... sinks) {
    return new Sinks(Arrays.stream(sinks).flatMap(s -> s.list.stream()).toList());
  }

  public Sinks and(Sinks more) {
    return of(this, more);
  }

  /** These sinks, each writing only the rows {@code select} makes of each batch. */
  public Sinks taking(UnaryOperator<Dataset<Row>> select) {
    return new Sinks(list.stream().map(s -> s.onlyRows(select)).toList());
  }

  public Stream<BatchSink> stream() {
    return list.stream();
  }
}
