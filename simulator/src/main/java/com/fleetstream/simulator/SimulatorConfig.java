package com.fleetstream.simulator;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What to simulate and where to send it. Parsed from {@code --flag value} pairs.
 *
 * <p>By default the simulated clock runs as fast as the streams accept records, starting
 * {@code duration} before now, so an hour of fleet activity is produced in seconds; with
 * {@code --realtime true} every tick waits for the wall clock and carries the current time.
 * {@code --shape} picks how the devices write their records ({@link Shape}); {@code --field-conditions
 * true} makes the vehicles behave as in service ({@link FieldConditions}).
 */
public record SimulatorConfig(
    Optional<URI> endpoint,
    String region,
    String locationStream,
    String sensorStream,
    int vehicles,
    Duration gpsInterval,
    Duration duration,
    Instant startTime,
    long seed,
    double malformedRate,
    double duplicateRate,
    Optional<Path> devicesFile,
    boolean realtime,
    int maxRecordsPerSecond,
    Shape shape,
    Map<String, String> metricStreams,
    boolean fieldConditions) {

  public SimulatorConfig {
    require(vehicles >= 0, "vehicles", "must be >= 0");
    require(!gpsInterval.isNegative() && !gpsInterval.isZero(), "gps-interval-seconds", "must be > 0");
    require(!duration.isNegative(), "duration-seconds", "must be >= 0");
    require(malformedRate >= 0 && malformedRate <= 1, "malformed-rate", "must be within 0..1");
    require(duplicateRate >= 0 && duplicateRate <= 1, "duplicate-rate", "must be within 0..1");
    require(maxRecordsPerSecond >= 0, "max-records-per-second", "must be >= 0");
  }

  /** Parses {@code --flag value} pairs; a flag this simulator does not know stops it, naming the flag. */
  public static SimulatorConfig parse(String[] args) {
    GlueArgs flags = GlueArgs.parse(args);
    SimulatorConfig config = from(flags);
    flags.rejectUnread();
    return config;
  }

  /** Reads the simulator's flags, leaving the rest of {@code flags} to the caller (the local runner). */
  public static SimulatorConfig from(GlueArgs flags) {
    Duration duration = Duration.ofSeconds(flags.longValue("duration-seconds", 3600));
    boolean realtime = flags.bool("realtime", false);
    Instant start = flags.parsed("start-time", null, Instant::parse);
    if (start == null) {
      start = realtime ? Instant.now() : Instant.now().minus(duration).truncatedTo(ChronoUnit.SECONDS);
    }
    return new SimulatorConfig(
        flags.optional("endpoint").map(URI::create),
        flags.string("region", "us-east-1"),
        flags.string("location-stream", "vehicle-locations"),
        flags.string("sensor-stream", "sensor-readings"),
        flags.integer("vehicles", 20, 0, Integer.MAX_VALUE),
        Duration.ofSeconds(flags.longValue("gps-interval-seconds", 5)),
        duration,
        start,
        flags.longValue("seed", 42),
        flags.doubleValue("malformed-rate", 0.0),
        flags.doubleValue("duplicate-rate", 0.0),
        flags.optional("devices").map(Path::of),
        realtime,
        flags.integer("max-records-per-second", 0, 0, Integer.MAX_VALUE),
        flags.parsed("shape", Shape.DOCUMENTED, Shape::of),
        flags.parsed("metric-streams", Map.of(), SimulatorConfig::metricStreams),
        flags.bool("field-conditions", false));
  }

  /** {@code temperature=temp_stream,humidity=humidity_stream,...}: where {@link Shape#PER_METRIC} sends each metric. */
  private static Map<String, String> metricStreams(String text) {
    Map<String, String> streams = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      String[] kv = entry.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
        throw new IllegalArgumentException("'" + entry + "' is not metric=stream");
      }
      streams.put(kv[0].trim(), kv[1].trim());
    }
    return Map.copyOf(streams);
  }

  /**
   * The stream a record goes to. Per metric, a sensor reading goes to its metric's stream
   * ({@code --metric-streams}, else {@code <sensor-stream>-<metric>}).
   */
  public String streamOf(OutgoingRecord record) {
    if (record.stream() == OutgoingRecord.Stream.LOCATION) {
      return locationStream;
    }
    if (shape != Shape.PER_METRIC) {
      return sensorStream;
    }
    String metric = ((SensorReading) record.event()).metric();
    return metricStreams.getOrDefault(metric, sensorStream + "-" + metric);
  }

  /** The same simulation, sent to another Kinesis endpoint and streams. */
  public SimulatorConfig sendingTo(URI endpoint, String locationStream, String sensorStream) {
    return new SimulatorConfig(Optional.of(endpoint), region, locationStream, sensorStream, vehicles, gpsInterval,
        duration, startTime, seed, malformedRate, duplicateRate, devicesFile, realtime, maxRecordsPerSecond, shape,
        metricStreams, fieldConditions);
  }

  private static void require(boolean ok, String flag, String message) {
    if (!ok) {
      throw new InvalidArgumentException(flag, message);
    }
  }
}
