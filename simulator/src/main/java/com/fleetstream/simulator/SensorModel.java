package com.fleetstream.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Readings that follow an hourly cycle with noise and rare spikes (which the jobs flag as breaches). */
public final class SensorModel {
  private final DeviceCatalog catalog;
  private final Random random;

  public SensorModel(DeviceCatalog catalog, long seed) {
    this.catalog = catalog;
    this.random = new Random(seed ^ 0x5EED5EEDL);
  }

  /** The readings due {@code elapsedSeconds} into the simulation. */
  public List<SensorReading> readingsAt(Instant at, long elapsedSeconds) {
    List<SensorReading> readings = new ArrayList<>();
    for (DeviceCatalog.Device device : catalog.devices()) {
      if (elapsedSeconds % device.intervalSeconds() != 0) {
        continue;
      }
      for (DeviceCatalog.Sensor sensor : device.sensors()) {
        double phase = (sensor.sensorId().hashCode() & 0xff) / 255.0 * 2 * Math.PI;
        double value = sensor.baseline()
            + sensor.amplitude() * Math.sin(2 * Math.PI * elapsedSeconds / 3600.0 + phase)
            + sensor.noise() * random.nextGaussian();
        if (random.nextDouble() < sensor.spikeProbability()) {
          value += sensor.spikeMagnitude();
        }
        readings.add(new SensorReading(sensor.sensorId(), device.deviceId(), device.vehicleId(), Ids.uuid(random), at,
            sensor.metric(), FleetModel.round(value, 3), sensor.unit(), device.latitude(), device.longitude()));
      }
    }
    return readings;
  }
}
