package com.fleetstream.simulator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to simulate and where to send it. Parsed from {@code --flag value} pairs.
 *
 * <p>By default the simulated clock runs as fast as the streams accept records, starting
 * {@code duration} before now, so an hour of fleet activity is produced in seconds; with
 * {@code --realtime true} every tick waits for the wall clock and carries the current time.
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
    int maxRecordsPerSecond) {

  private static final Set<String> KNOWN = Set.of(
      "endpoint", "region", "location-stream", "sensor-stream", "vehicles", "gps-interval-seconds",
      "duration-seconds", "start-time", "seed", "malformed-rate", "duplicate-rate", "devices",
      "realtime", "max-records-per-second");

  public SimulatorConfig {
    require(vehicles >= 0, "vehicles", "must be >= 0");
    require(!gpsInterval.isNegative() && !gpsInterval.isZero(), "gps-interval-seconds", "must be > 0");
    require(!duration.isNegative(), "duration-seconds", "must be >= 0");
    require(malformedRate >= 0 && malformedRate <= 1, "malformed-rate", "must be within 0..1");
    require(duplicateRate >= 0 && duplicateRate <= 1, "duplicate-rate", "must be within 0..1");
    require(maxRecordsPerSecond >= 0, "max-records-per-second", "must be >= 0");
  }

  public static SimulatorConfig defaults() {
    return parse(new String[0]);
  }

  public static SimulatorConfig parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --flag value, got '" + arg + "'");
      }
      String key = arg.substring(2);
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException("unknown flag --" + key + " (known: " + String.join(", ", KNOWN) + ")");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("flag --" + key + " needs a value");
      }
      values.put(key, args[++i]);
    }
    Duration duration = Duration.ofSeconds(parseLong(values, "duration-seconds", 3600));
    boolean realtime = Boolean.parseBoolean(values.getOrDefault("realtime", "false"));
    Instant start = values.containsKey("start-time")
        ? parse(values, "start-time", Instant::parse)
        : realtime ? Instant.now() : Instant.now().minus(duration).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return new SimulatorConfig(
        Optional.ofNullable(values.get("endpoint")).map(URI::create),
        values.getOrDefault("region", "us-east-1"),
        values.getOrDefault("location-stream", "vehicle-locations"),
        values.getOrDefault("sensor-stream", "sensor-readings"),
        (int) parseLong(values, "vehicles", 20),
        Duration.ofSeconds(parseLong(values, "gps-interval-seconds", 5)),
        duration,
        start,
        parseLong(values, "seed", 42),
        parseDouble(values, "malformed-rate", 0.0),
        parseDouble(values, "duplicate-rate", 0.0),
        Optional.ofNullable(values.get("devices")).map(Path::of),
        realtime,
        (int) parseLong(values, "max-records-per-second", 0));
  }

  private static long parseLong(Map<String, String> values, String key, long dflt) {
    return values.containsKey(key) ? parse(values, key, Long::parseLong) : dflt;
  }

  private static double parseDouble(Map<String, String> values, String key, double dflt) {
    return values.containsKey(key) ? parse(values, key, Double::parseDouble) : dflt;
  }

  private static <T> T parse(Map<String, String> values, String key, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(values.get(key));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--" + key + ": cannot parse '" + values.get(key) + "'", e);
    }
  }

  private static void require(boolean ok, String flag, String message) {
    if (!ok) {
      throw new IllegalArgumentException("--" + flag + " " + message);
    }
  }
}
