package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One alert per state transition of an entity under a rule. The id is made of what the transition
 * is, so detecting it again (a replayed batch) yields the same id and the outbox keeps one row.
 */
public final class Alerts {
  public static final StructType SCHEMA = new StructType()
      .add("alert_id", DataTypes.StringType, false)
      .add("entity_id", DataTypes.StringType, false)
      .add("rule", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("event_time", DataTypes.TimestampType, false)
      .add("event_id", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("latitude", DataTypes.DoubleType, true)
      .add("longitude", DataTypes.DoubleType, true)
      .add("detail", DataTypes.StringType, false);

  /** The observation that counts the events a state machine (alerts, trips) skipped as out of order. */
  public static final String OBSERVED = "state_machine_inputs";
  /** The kind of a marker row for a skipped event: counted, then dropped, never an alert. */
  public static final String SKIPPED = "skipped:out_of_order";

  private Alerts() {}

  /** An event older than its entity's last (or a repeat of it): it cannot change the sequence any more. */
  static Row skipped(String entity, String rule, Timestamp time, String eventId) {
    return RowFactory.create("", entity, rule, SKIPPED, time, eventId, null, null, null, "");
  }

  /** The state machines' output, its skipped events counted (observation {@link #OBSERVED}) and dropped. */
  public static Dataset<Row> countingSkipped(Dataset<Row> output) {
    return output.observe(OBSERVED, count(when(col("kind").equalTo(SKIPPED), 1)).as("out_of_order"))
        .filter(col("kind").notEqual(SKIPPED));
  }

  static Row alert(String entity, String rule, String kind, Timestamp time, String eventId, Double value,
      Double latitude, Double longitude, String detail) {
    String id = entity + "|" + rule + "|" + kind + "|" + time.toInstant();
    return RowFactory.create(id, entity, rule, kind, time, eventId, value, latitude, longitude, detail);
  }
}
