package com.fleetstream.jobs.transform;

import com.fleetstream.events.FieldSpec;
import com.fleetstream.events.LocationFields;
import com.fleetstream.jobs.contract.InputContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** GPS fixes: JSON payload to typed, validated columns. */
public final class LocationEvents {
  public static final List<FieldSpec> FIELDS = LocationFields.FIELDS;
  /** What a fix says, besides whose and when: what tells apart two fixes of one vehicle at one instant. */
  private static final List<String> CONTENT = FIELDS.stream().map(FieldSpec::name)
      .filter(f -> !List.of("vehicle_id", "event_id", "timestamp").contains(f)).toList();

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
    return EventIds.complete(fixes, contract, List.of("vehicle_id"), CONTENT);
  }
}
