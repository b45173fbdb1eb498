package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
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
   * text and the event time in microseconds since the epoch, joined by {@code |}.
   *
   * @param identity the columns besides the event time that tell events apart (vehicle id; sensor id, metric)
   */
  static Dataset<Row> complete(Dataset<Row> events, InputContract contract, String... identity) {
    List<Column> parts = new ArrayList<>();
    for (String c : identity) {
      parts.add(col(c));
    }
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
