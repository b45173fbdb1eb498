package com.fleetstream.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.events.QuarantineReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON as the devices send it, and the broken variants the jobs must quarantine. */
final class RecordEncoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A way to break a record and the quarantine reason the jobs give it. */
  enum Defect {
    NOT_JSON(QuarantineReason.MALFORMED_JSON.code()),
    TRUNCATED_JSON(QuarantineReason.MALFORMED_JSON.code()),
    MISSING_TIMESTAMP(QuarantineReason.MISSING_FIELD.of("timestamp")),
    LATITUDE_OUT_OF_RANGE(QuarantineReason.OUT_OF_RANGE.of("latitude")),
    UNKNOWN_METRIC(QuarantineReason.UNKNOWN_METRIC.code());

    final String reason;

    Defect(String reason) {
      this.reason = reason;
    }
  }

  static final Defect[] LOCATION_DEFECTS = {Defect.NOT_JSON, Defect.TRUNCATED_JSON, Defect.MISSING_TIMESTAMP,
      Defect.LATITUDE_OUT_OF_RANGE};
  static final Defect[] SENSOR_DEFECTS = {Defect.NOT_JSON, Defect.TRUNCATED_JSON, Defect.MISSING_TIMESTAMP,
      Defect.UNKNOWN_METRIC};

  private RecordEncoder() {}

  static Map<String, Object> fields(GpsFix f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vehicle_id", f.vehicleId());
    m.put("event_id", f.eventId());
    m.put("timestamp", f.timestamp().toString());
    m.put("latitude", f.latitude());
    m.put("longitude", f.longitude());
    m.put("speed_kmh", f.speedKmh());
    m.put("heading", f.heading());
    m.put("altitude_m", f.altitudeM());
    m.put("accuracy_m", f.accuracyM());
    m.put("fuel_level_pct", f.fuelLevelPct());
    m.put("engine_status", f.engineStatus());
    return m;
  }

  static Map<String, Object> fields(SensorReading r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sensor_id", r.sensorId());
    m.put("device_id", r.deviceId());
    if (r.vehicleId() != null) {
      m.put("vehicle_id", r.vehicleId());
    }
    m.put("event_id", r.eventId());
    m.put("timestamp", r.timestamp().toString());
    m.put("metric", r.metric());
    m.put("value", r.value());
    m.put("unit", r.unit());
    if (r.latitude() != null) {
      m.put("latitude", r.latitude());
      m.put("longitude", r.longitude());
    }
    return m;
  }

  static byte[] encode(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsBytes(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] broken(Map<String, Object> fields, Defect defect) {
    Map<String, Object> copy = new LinkedHashMap<>(fields);
    return switch (defect) {
      case NOT_JSON -> ("not json: " + copy.get("event_id")).getBytes(StandardCharsets.UTF_8);
      case TRUNCATED_JSON -> {
        byte[] whole = encode(copy);
        yield Arrays.copyOf(whole, whole.length / 2);
      }
      case MISSING_TIMESTAMP -> {
        copy.remove("timestamp");
        yield encode(copy);
      }
      case LATITUDE_OUT_OF_RANGE -> {
        copy.put("latitude", 123.4);
        yield encode(copy);
      }
      case UNKNOWN_METRIC -> {
        copy.put("metric", "pressure");
        yield encode(copy);
      }
    };
  }
}
