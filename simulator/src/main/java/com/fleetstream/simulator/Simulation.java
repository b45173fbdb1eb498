package com.fleetstream.simulator;

import com.fleetstream.events.QuarantineReason;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
    FieldConditions field = config.fieldConditions()
        ? new FieldConditions(config.seed(), config.startTime(), config.duration()) : null;
    Map<String, List<GpsFix>> buffered = new java.util.LinkedHashMap<>();
    TreeMap<Long, List<OutgoingRecord>> retries = new TreeMap<>();
    long wallStart = System.currentTimeMillis();

    for (long second = 0; second < config.duration().toSeconds(); second++) {
      Instant at = config.startTime().plusSeconds(second);
      if (config.realtime()) {
        sleepUntil(wallStart + second * 1000);
      }
      // Duplicates go out one tick after their original, as a producer retry would.
      duplicatesDue.forEach(sink);
      duplicatesDue.clear();
      java.util.Optional.ofNullable(retries.remove(second)).ifPresent(due -> due.forEach(sink));
      if (second % gpsEvery == 0) {
        for (GpsFix fix : fleet.tick(at, config.gpsInterval())) {
          if (field == null) {
            emit(Stream.LOCATION, fix.vehicleId(), fix, shape.fix(fix), shape.locationDefects(), faults, sink,
                duplicatesDue);
            continue;
          }
          GpsFix stamped = field.stamped(fix);
          if (field.device(fix.vehicleId()).offline(at)) { // the tracker keeps it until it reconnects
            buffered.computeIfAbsent(fix.vehicleId(), v -> new ArrayList<>()).add(stamped);
            continue;
          }
          for (GpsFix held : buffered.getOrDefault(fix.vehicleId(), List.of())) {
            emitInField(held, second, field, faults, sink, duplicatesDue, retries);
          }
          buffered.remove(fix.vehicleId());
          emitInField(stamped, second, field, faults, sink, duplicatesDue, retries);
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
    for (List<GpsFix> held : buffered.values()) { // still offline at the end: flushed now
      held.forEach(f -> emitInField(f, config.duration().toSeconds(), field, faults, sink, duplicatesDue, retries));
    }
    duplicatesDue.forEach(sink);
    retries.values().forEach(due -> due.forEach(sink));
  }

  /**
   * A fix under {@link FieldConditions}: sent as its device stamped it, or, now and then, stamped by a
   * reset or runaway clock (quarantined); a valid one may be retried minutes to hours later.
   */
  private void emitInField(GpsFix fix, long second, FieldConditions field, Random faults,
      Consumer<OutgoingRecord> sink, List<OutgoingRecord> later, TreeMap<Long, List<OutgoingRecord>> retries) {
    Shape shape = config.shape();
    Instant bad = field.badStamp();
    if (bad != null) {
      GpsFix wrong = FieldConditions.at(fix, bad);
      sink.accept(new OutgoingRecord(Stream.LOCATION, fix.vehicleId(), RecordEncoder.encode(shape.fix(wrong)),
          Kind.MALFORMED, wrong, (bad.equals(FieldConditions.FAR_FUTURE) ? QuarantineReason.TIMESTAMP_IN_FUTURE
              : QuarantineReason.TIMESTAMP_TOO_OLD).code()));
      return;
    }
    OutgoingRecord sent = emit(Stream.LOCATION, fix.vehicleId(), fix, shape.fix(fix), shape.locationDefects(), faults,
        sink, later);
    long after = field.retryAfterSeconds();
    if (sent.kind() == Kind.VALID && after >= 0) {
      retries.computeIfAbsent(second + after, s -> new ArrayList<>())
          .add(new OutgoingRecord(Stream.LOCATION, fix.vehicleId(), sent.data(), Kind.DUPLICATE, fix, null));
    }
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

  /** @return the record sent */
  private OutgoingRecord emit(Stream stream, String key, Object event, Map<String, Object> fields,
      RecordEncoder.Defect[] defects, Random faults, Consumer<OutgoingRecord> sink, List<OutgoingRecord> later) {
    if (faults.nextDouble() < config.malformedRate()) {
      RecordEncoder.Defect defect = defects[faults.nextInt(defects.length)];
      OutgoingRecord broken = new OutgoingRecord(stream, key, RecordEncoder.broken(fields, defect), Kind.MALFORMED,
          event, defect.reason);
      sink.accept(broken);
      return broken;
    }
    byte[] data = RecordEncoder.encode(fields);
    OutgoingRecord valid = new OutgoingRecord(stream, key, data, Kind.VALID, event, null);
    sink.accept(valid);
    if (faults.nextDouble() < config.duplicateRate()) {
      later.add(new OutgoingRecord(stream, key, data, Kind.DUPLICATE, event, null));
    }
    return valid;
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
