package com.fleetstream.simulator;

import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Runs the simulated clock second by second and hands every record to {@code sink} in send order.
 * The same config always yields the same records (ids, values, defects, duplicates).
 */
public final class Simulation {
  private final SimulatorConfig config;

  public Simulation(SimulatorConfig config) {
    this.config = config;
  }

  public void run(Consumer<OutgoingRecord> sink) {
    run(sink, () -> { });
  }

  /** As {@link #run(Consumer)}, calling {@code afterTick} when each simulated second is out. */
  public void run(Consumer<OutgoingRecord> sink, Runnable afterTick) {
    Shape shape = config.shape();
    FleetModel fleet = new FleetModel(config.vehicles(), config.seed());
    SensorModel sensors = new SensorModel(DeviceCatalog.load(config.devicesFile()), config.seed());
    Random faults = new Random(config.seed() * 31 + 7);
    long gpsEvery = config.gpsInterval().toSeconds();
    List<OutgoingRecord> duplicatesDue = new ArrayList<>();
    long wallStart = System.currentTimeMillis();

    for (long second = 0; second < config.duration().toSeconds(); second++) {
      Instant at = config.startTime().plusSeconds(second);
      if (config.realtime()) {
        sleepUntil(wallStart + second * 1000);
      }
      // Duplicates go out one tick after their original, as a producer retry would.
      duplicatesDue.forEach(sink);
      duplicatesDue.clear();
      if (second % gpsEvery == 0) {
        for (GpsFix fix : fleet.tick(at, config.gpsInterval())) {
          emit(Stream.LOCATION, fix.vehicleId(), fix, shape.fix(fix), shape.locationDefects(), faults, sink,
              duplicatesDue);
        }
      }
      for (List<SensorReading> record : sensorRecords(sensors.readingsAt(at, second))) {
        SensorReading first = record.get(0);
        emit(Stream.SENSOR, shape == Shape.PER_METRIC ? first.sensorId() : first.deviceId(),
            record.size() == 1 ? first : record, shape.readings(record), RecordEncoder.SENSOR_DEFECTS, faults, sink,
            duplicatesDue);
      }
      afterTick.run();
    }
    duplicatesDue.forEach(sink);
  }

  /** The readings of one moment as records: one each, or for {@link Shape#WIDE} one per device. */
  private List<List<SensorReading>> sensorRecords(List<SensorReading> readings) {
    if (config.shape() != Shape.WIDE) {
      return readings.stream().map(List::of).toList();
    }
    Map<String, Map<String, SensorReading>> byDevice = new java.util.LinkedHashMap<>();
    // a device with two sensors of one metric reports the last in a wide record
    readings.forEach(r -> byDevice.computeIfAbsent(r.deviceId(), d -> new java.util.LinkedHashMap<>()).put(r.metric(), r));
    return byDevice.values().stream().map(m -> List.copyOf(m.values())).toList();
  }

  private void emit(Stream stream, String key, Object event, Map<String, Object> fields,
      RecordEncoder.Defect[] defects, Random faults, Consumer<OutgoingRecord> sink, List<OutgoingRecord> later) {
    if (faults.nextDouble() < config.malformedRate()) {
      RecordEncoder.Defect defect = defects[faults.nextInt(defects.length)];
      sink.accept(new OutgoingRecord(stream, key, RecordEncoder.broken(fields, defect), Kind.MALFORMED, event,
          defect.reason));
      return;
    }
    byte[] data = RecordEncoder.encode(fields);
    sink.accept(new OutgoingRecord(stream, key, data, Kind.VALID, event, null));
    if (faults.nextDouble() < config.duplicateRate()) {
      later.add(new OutgoingRecord(stream, key, data, Kind.DUPLICATE, event, null));
    }
  }

  private static void sleepUntil(long epochMillis) {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("simulation interrupted", e);
      }
    }
  }

  /** The records a config produces, in send order; for tests and dry runs. */
  public static List<OutgoingRecord> records(SimulatorConfig config) {
    List<OutgoingRecord> all = new ArrayList<>();
    new Simulation(config).run(all::add);
    return all;
  }
}
