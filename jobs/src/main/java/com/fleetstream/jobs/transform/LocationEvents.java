package com.fleetstream.jobs.transform;

import static com.fleetstream.jobs.transform.FieldSpec.optionalDouble;
import static com.fleetstream.jobs.transform.FieldSpec.optionalString;
import static com.fleetstream.jobs.transform.FieldSpec.requiredDouble;
import static com.fleetstream.jobs.transform.FieldSpec.requiredString;
import static com.fleetstream.jobs.transform.FieldSpec.requiredTimestamp;

import com.fleetstream.jobs.contract.InputContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** GPS fixes: JSON payload to typed, validated columns. */
public final class LocationEvents {
  public static final List<FieldSpec> FIELDS = List.of(
      requiredString("vehicle_id"),
      optionalString("event_id"),
      requiredTimestamp("timestamp"),
      requiredDouble("latitude", -90.0, 90.0),
      requiredDouble("longitude", -180.0, 180.0),
      optionalDouble("speed_kmh", 0.0, 400.0),
      optionalDouble("heading", 0.0, 360.0),
      optionalDouble("altitude_m", -500.0, 9000.0),
      optionalDouble("accuracy_m", 0.0, null),
      optionalDouble("fuel_level_pct", 0.0, 100.0),
      optionalString("engine_status"));

  private LocationEvents() {}

  /** With the built-in contract. */
  public static Dataset<Row> parse(Dataset<Row> records, Duration maxEventAge) {
    return parse(records, InputContract.builtIn(InputContract.RecordKind.LOCATION), maxEventAge);
  }

  /**
   * Decoded Kinesis records to fixes with {@code event_time}, an {@code event_id} (derived where the
   * record has none), the contract and {@code quarantine_reason}.
   *
   * @param maxEventAge an event time further before its arrival is quarantined as {@code timestamp_too_old}
   */
  public static Dataset<Row> parse(Dataset<Row> records, InputContract contract, Duration maxEventAge) {
    Dataset<Row> fixes = EventValidation.parse(records, FIELDS, Map.of(), contract, List.of("vehicle_id"),
        TimestampRules.rules(maxEventAge)).withColumnRenamed("timestamp", "event_time");
    return EventIds.complete(fixes, contract, "vehicle_id");
  }
}
