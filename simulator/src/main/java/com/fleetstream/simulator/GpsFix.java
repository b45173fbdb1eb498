package com.fleetstream.simulator;

import java.time.Instant;

/** One GPS fix as the vehicle reports it. */
public record GpsFix(
    String vehicleId,
    String eventId,
    Instant timestamp,
    double latitude,
    double longitude,
    double speedKmh,
    double heading,
    double altitudeM,
    double accuracyM,
    double fuelLevelPct,
    String engineStatus) {}
