package com.fleetstream.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The sensor devices to simulate, read from a JSON file like {@code devices.json} on the classpath. */
public record DeviceCatalog(@JsonProperty("devices") List<Device> devices) {

  public record Device(
      @JsonProperty("device_id") String deviceId,
      @JsonProperty("vehicle_id") String vehicleId,
      @JsonProperty("latitude") Double latitude,
      @JsonProperty("longitude") Double longitude,
      @JsonProperty("interval_seconds") int intervalSeconds,
      @JsonProperty("sensors") List<Sensor> sensors) {
    public Device {
      if (deviceId == null || deviceId.isBlank()) {
        throw new IllegalArgumentException("device without device_id");
      }
      if (intervalSeconds <= 0) {
        throw new IllegalArgumentException("device " + deviceId + ": interval_seconds must be > 0");
      }
      if (sensors == null || sensors.isEmpty()) {
        throw new IllegalArgumentException("device " + deviceId + ": no sensors");
      }
    }
  }

  public record Sensor(
      @JsonProperty("sensor_id") String sensorId,
      @JsonProperty("metric") String metric,
      @JsonProperty("unit") String unit,
      @JsonProperty("baseline") double baseline,
      @JsonProperty("amplitude") double amplitude,
      @JsonProperty("noise") double noise,
      @JsonProperty("spike_probability") double spikeProbability,
      @JsonProperty("spike_magnitude") double spikeMagnitude) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  public static DeviceCatalog load(Optional<Path> file) {
    try {
      if (file.isPresent()) {
        try (InputStream in = Files.newInputStream(file.get())) {
          return JSON.readValue(in, DeviceCatalog.class);
        }
      }
      try (InputStream in = DeviceCatalog.class.getResourceAsStream("/devices.json")) {
        return JSON.readValue(in, DeviceCatalog.class);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read device catalog " + file.map(Path::toString).orElse("devices.json"), e);
    }
  }
}
