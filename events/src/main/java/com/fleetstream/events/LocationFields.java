package com.fleetstream.events;

import static com.fleetstream.events.FieldSpec.optionalDouble;
import static com.fleetstream.events.FieldSpec.optionalString;
import static com.fleetstream.events.FieldSpec.requiredDouble;
import static com.fleetstream.events.FieldSpec.requiredString;
import static com.fleetstream.events.FieldSpec.requiredTimestamp;

import java.util.List;
import java.util.Map;

/** A GPS fix's JSON, as the location job and the API's {@code POST /positions} take it. */
public final class LocationFields {
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

  /** Other names of fields the built-in contract accepts, as the trackers this product replaces send them. */
  public static final Map<String, List<String>> BUILT_IN_ALIASES =
      Map.of("vehicle_id", List.of("truck_id", "car_id", "carId", "bus_id", "busId"));

  private LocationFields() {}
}
