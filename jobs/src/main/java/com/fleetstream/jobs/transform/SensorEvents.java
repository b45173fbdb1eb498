package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.transform.FieldSpec.optionalDouble;
import static com.fleetstream.jobs.transform.FieldSpec.optionalString;
import static com.fleetstream.jobs.transform.FieldSpec.requiredDouble;
import static com.fleetstream.jobs.transform.FieldSpec.requiredString;
import static com.fleetstream.jobs.transform.FieldSpec.requiredTimestamp;
import static org.apache.spark.sql.functions.col;

import com.fleetstream.jobs.config.Thresholds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Sensor readings: JSON payload to typed, validated columns. */
public final class SensorEvents {
  public static final List<FieldSpec> FIELDS = List.of(
      requiredString("sensor_id"),
      requiredString("device_id"),
      optionalString("vehicle_id"),
      requiredString("event_id"),
      requiredTimestamp("timestamp"),
      requiredString("metric"),
      requiredDouble("value", null, null),
      optionalString("unit"),
      optionalDouble("latitude", -90.0, 90.0),
      optionalDouble("longitude", -180.0, 180.0));

  private SensorEvents() {}

  /** @param maxEventAge a reading taken further before its arrival is quarantined as {@code timestamp_too_old} */
  public static Dataset<Row> parse(Dataset<Row> records, Duration maxEventAge) {
    List<EventValidation.Rule> rules = new ArrayList<>();
    rules.add(new EventValidation.Rule(col("metric").isin(Thresholds.METRICS.toArray()).unary_$bang(),
        "unknown_metric"));
    rules.addAll(TimestampRules.rules(maxEventAge));
    return EventValidation.parse(records, FIELDS, Map.of(), rules)
        .withColumnRenamed("timestamp", "event_time");
  }
}
