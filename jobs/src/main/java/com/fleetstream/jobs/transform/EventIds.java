package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.jobs.contract.InputContract;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every event gets an id and the contract it was read with. A record without an {@code event_id}
 * gets one derived from what identifies the event (its entity and event time, and for sensors the
 * metric), so a producer's retry of the same fix has the same id and is dropped as a duplicate.
 * A record whose time is its arrival ({@code event_time_from_arrival}) adds what it says: a producer
 * sends many fixes in one PutRecords, which share an arrival millisecond, and only their content
 * tells them apart (a tutorial-style producer's 110 fixes of five buses became 30 events before).
 */
public final class EventIds {
  /** Set on events whose id was derived. */
  public static final String DERIVED = "event_id_derived";
  /** The contract an event was read with, {@code name@version}. */
  public static final String CONTRACT = "contract";
  static final String DERIVED_PREFIX = "derived-";

  private EventIds() {}

  /**
   * {@code derived-} and the first 32 hex digits (128 bits) of the SHA-256 of the identity columns'
   * text, for a record timed by its arrival its content as JSON, and the event time in microseconds
   * since the epoch, joined by {@code |}.
   *
   * @param identity the columns besides the event time that tell events apart (vehicle id; sensor id, metric)
   * @param content what the event says (position, speed; the reading's value)
   */
  static Dataset<Row> complete(Dataset<Row> events, InputContract contract, List<String> identity,
      List<String> content) {
    List<Column> parts = new ArrayList<>();
    for (String c : identity) {
      parts.add(col(c));
    }
    // null, which concat_ws skips, for records with their own time: their ids are what they were
    Column said = to_json(struct(content.stream().map(c -> col(c)).toArray(Column[]::new)));
    parts.add(when(col(EventValidation.ARRIVAL_TIME_FLAG), said));
    parts.add(expr("CAST(unix_micros(event_time) AS STRING)"));
    // Not conditioned on the record being valid: an expression over the quarantine reason here, above
    // the filters on it, sent Spark's optimizer into minutes of planning and out of memory (a
    // quarantined record's id is never stored; the batch line counts derived ids of valid events only).
    Column missing = col("event_id").isNull().or(trim(col("event_id")).equalTo(""));
    Column derived = concat(lit(DERIVED_PREFIX),
        substring(sha2(concat_ws("|", parts.toArray(Column[]::new)), 256), 1, 32));
    return events.withColumn(DERIVED, missing)
        .withColumn("event_id", when(missing, derived).otherwise(col("event_id")))
        .withColumn(CONTRACT, lit(contract.id()));
  }
}
