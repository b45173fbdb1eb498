package com.fleetstream.simulator;

import java.time.Instant;

/** One sensor reading; position only for sensors that know where they are. */
public record SensorReading(
    String sensorId,
    String deviceId,
    String vehicleId,
    String eventId,
    Instant timestamp,
    String metric,
    double value,
    String unit,
    Double latitude,
    Double longitude) {}
