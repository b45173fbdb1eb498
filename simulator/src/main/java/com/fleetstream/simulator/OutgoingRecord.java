package com.fleetstream.simulator;

/**
 * A record as put on a stream. {@code event} is what a valid or duplicate record encodes
 * (a {@link GpsFix} or {@link SensorReading}); malformed records carry the reason the jobs
 * are expected to quarantine them with.
 */
public record OutgoingRecord(Stream stream, String partitionKey, byte[] data, Kind kind, Object event,
    String expectedReason) {

  public enum Stream { LOCATION, SENSOR }

  public enum Kind { VALID, DUPLICATE, MALFORMED }
}
