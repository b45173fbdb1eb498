package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import com.fleetstream.events.EventLimits;
import com.fleetstream.events.QuarantineReason;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Column;

/** Event times no device can honestly send, judged against the record's arrival in Kinesis. */
final class TimestampRules {
  private TimestampRules() {}

  static List<EventValidation.Rule> rules(Duration maxEventAge) {
    Column t = col("timestamp");
    return List.of(
        new EventValidation.Rule(
            t.lt(col("arrival_time").minus(expr("INTERVAL " + maxEventAge.toSeconds() + " SECONDS"))),
            QuarantineReason.TIMESTAMP_TOO_OLD.code()),
        new EventValidation.Rule(t.gt(col("arrival_time").plus(
            expr("INTERVAL " + EventLimits.MAX_CLOCK_AHEAD.toSeconds() + " SECONDS"))), QuarantineReason.TIMESTAMP_IN_FUTURE.code()));
  }
}
