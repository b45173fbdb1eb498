package com.fleetstream.jobs.transform;

import java.sql.Timestamp;
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

  private Alerts() {}

  static Row alert(String entity, String rule, String kind, Timestamp time, String eventId, Double value,
      Double latitude, Double longitude, String detail) {
    String id = entity + "|" + rule + "|" + kind + "|" + time.toInstant();
    return RowFactory.create(id, entity, rule, kind, time, eventId, value, latitude, longitude, detail);
  }
}
