package com.fleetstream.jobs.contract;

import com.fleetstream.events.LocationFields;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * How one stream's records map onto the product's event fields: the names a field may arrive under,
 * whether numbers may come as text, the timestamp formats accepted, and where a value missing from
 * the payload may come from instead (the Kinesis partition key, the arrival time, a constant). Read
 * once at start from a versioned JSON file ({@link InputContractFile}); every event records the
 * contract it was read with ({@link #id()}).
 *
 * @param aliases per product field, the other JSON names it may arrive under, in order of preference
 *     (the product's own name always comes first)
 * @param entityIdFromPartitionKey a record without its entity id (vehicle, sensor) takes the record's
 *     Kinesis partition key
 * @param eventTimeFromArrival a record without a timestamp takes its Kinesis arrival time, and is
 *     flagged {@code event_time_from_arrival}
 * @param constants values for text fields a record does not carry (e.g. the metric of a per-metric
 *     stream); a record's own value wins
 */
public record InputContract(
    String name,
    int version,
    RecordKind record,
    Map<String, List<String>> aliases,
    boolean numbersAsText,
    List<TimestampFormat> timestampFormats,
    boolean entityIdFromPartitionKey,
    boolean eventTimeFromArrival,
    Map<String, String> constants) implements Serializable {

  /** What a stream carries: GPS fixes or sensor readings. */
  public enum RecordKind { LOCATION, SENSOR }

  public InputContract {
    aliases = Map.copyOf(aliases);
    timestampFormats = List.copyOf(timestampFormats);
    constants = Map.copyOf(constants);
  }

  /** What the events' {@code contract} column holds: {@code name@version}. */
  public String id() {
    return name + "@" + version;
  }

  public List<String> aliasesOf(String field) {
    return aliases.getOrDefault(field, List.of());
  }

  /** The built-in contract of a job given none: the documented record, and the usual names of a vehicle id. */
  public static InputContract builtIn(RecordKind record) {
    return switch (record) {
      case LOCATION -> new InputContract("fleetstream-location", 1, record,
          LocationFields.BUILT_IN_ALIASES, true,
          List.of(TimestampFormat.ISO_8601), false, false, Map.of());
      case SENSOR -> new InputContract("fleetstream-sensor", 1, record, Map.of(), true,
          List.of(TimestampFormat.ISO_8601), false, false, Map.of());
    };
  }
}
