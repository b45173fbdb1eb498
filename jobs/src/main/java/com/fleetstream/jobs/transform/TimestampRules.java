package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Column;

/** Event times no device can honestly send, judged against the record's arrival in Kinesis. */
final class TimestampRules {
  /** Device clocks drift; more than this ahead of Kinesis's arrival time is a bad clock, not an event. */
  static final String MAX_CLOCK_AHEAD = "INTERVAL 1 HOUR";

  private TimestampRules() {}

  static List<EventValidation.Rule> rules(Duration maxEventAge) {
    Column t = col("timestamp");
    return List.of(
        new EventValidation.Rule(
            t.lt(col("arrival_time").minus(expr("INTERVAL " + maxEventAge.toSeconds() + " SECONDS"))),
            "timestamp_too_old"),
        new EventValidation.Rule(t.gt(col("arrival_time").plus(expr(MAX_CLOCK_AHEAD))), "timestamp_in_future"));
  }
}
