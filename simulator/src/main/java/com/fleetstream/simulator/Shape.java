package com.fleetstream.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the simulated devices write their records: the product's documented record, or the shapes
 * public tutorials' producers send, which the jobs read with the matching input contract.
 */
public enum Shape {
  /** The product's own record, every field named as documented. */
  DOCUMENTED,
  /** Trucks as a fleet tutorial's producer sends them: {@code truck_id}, no {@code event_id}. */
  TRUCKS,
  /** Buses sending only their coordinates, as text; the bus id is the partition key, the time their arrival. */
  BUSES,
  /** One stream per metric, each record {@code {"device_id", "<metric>": value, "timestamp"}}. */
  PER_METRIC,
  /** One record per device and moment with every metric it measured as a field of its own. */
  WIDE;

  static Shape of(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not one of documented, trucks, buses, per-metric, wide");
    }
  }

  Map<String, Object> fix(GpsFix f) {
    Map<String, Object> documented = RecordEncoder.fields(f);
    return switch (this) {
      case TRUCKS -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("truck_id", f.vehicleId());
        documented.forEach((k, v) -> {
          if (!k.equals("vehicle_id") && !k.equals("event_id")) {
            m.put(k, v);
          }
        });
        yield m;
      }
      case BUSES -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("longitude", String.format(Locale.ROOT, "%.5f", f.longitude()));
        m.put("latitude", String.format(Locale.ROOT, "%.5f", f.latitude()));
        yield m;
      }
      default -> documented;
    };
  }

  /** The fields of one sensor record, from its readings (several only for {@link #WIDE}). */
  Map<String, Object> readings(List<SensorReading> readings) {
    SensorReading first = readings.get(0);
    if (this != PER_METRIC && this != WIDE) {
      return RecordEncoder.fields(first);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    // a per-metric or wide device names itself only: the jobs take its device id as the sensor's
    m.put("device_id", this == WIDE ? first.deviceId() : first.sensorId());
    m.put("timestamp", first.timestamp().toString());
    readings.forEach(r -> m.put(r.metric(), r.value()));
    return m;
  }

  RecordEncoder.Defect[] locationDefects() {
    // a bus record has no time to take away
    return this == BUSES ? new RecordEncoder.Defect[] {RecordEncoder.Defect.NOT_JSON,
        RecordEncoder.Defect.TRUNCATED_JSON, RecordEncoder.Defect.LATITUDE_OUT_OF_RANGE}
        : RecordEncoder.LOCATION_DEFECTS;
  }
}
