package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.jobs.contract.TimestampFormat;
import java.util.List;
import org.apache.spark.sql.Column;

/** A record's timestamp text to a timestamp, in the formats its contract accepts; null when none fits. */
final class Timestamps {
  private static final String NUMBER = "^\\s*-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?\\s*$";
  /** Past these, an epoch number is no time a device sends (year 5138), and would overflow a timestamp. */
  private static final String MAX_EPOCH_SECONDS = "1e11";
  private static final String MAX_EPOCH_MILLIS = "1e14";

  private Timestamps() {}

  /**
   * ISO-8601 text ({@code Z}, an offset, or no zone: the session's, UTC in the jobs) is parsed only
   * when the text is not a bare number, and a bare number only as the epoch format the contract
   * names, so no value is read two ways.
   *
   * @param text the name of the column holding the timestamp's text
   */
  static Column parse(String text, List<TimestampFormat> formats) {
    String t = "`" + text + "`";
    Column number = col(text).rlike(NUMBER);
    String decimal = "try_cast(" + t + " AS DECIMAL(24,6))";
    Column[] parsed = formats.stream().map(f -> switch (f) {
      case ISO_8601 -> when(not(number), expr("try_cast(" + t + " AS TIMESTAMP)"));
      case EPOCH_SECONDS -> when(number.and(expr("abs(" + decimal + ") < " + MAX_EPOCH_SECONDS)),
          expr("timestamp_micros(CAST(" + decimal + " * 1000000 AS BIGINT))"));
      case EPOCH_MILLIS -> when(number.and(expr("abs(" + decimal + ") < " + MAX_EPOCH_MILLIS)),
          expr("timestamp_millis(CAST(" + decimal + " AS BIGINT))"));
    }).toArray(Column[]::new);
    return parsed.length == 1 ? parsed[0] : coalesce(parsed);
  }
}
