package com.fleetstream.simulator;

import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.OutgoingRecord.Stream;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/** Command line: simulate vehicles and sensors and put their records on the two Kinesis streams. */
public final class Simulator {
  private Simulator() {}

  /** How many records of each stream and kind were sent. */
  public record Summary(Map<Stream, Map<Kind, Long>> counts) {
    public long count(Stream stream, Kind kind) {
      return counts.getOrDefault(stream, Map.of()).getOrDefault(kind, 0L);
    }

    @Override
    public String toString() {
      return "sent " + counts;
    }
  }

  public static void main(String[] args) {
    SimulatorConfig config;
    try {
      config = SimulatorConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("simulator: " + e.getMessage());
      System.exit(2);
      return;
    }
    try (KinesisClient client = client(config)) {
      System.out.println(send(config, client));
    }
  }

  public static KinesisClient client(SimulatorConfig config) {
    KinesisClientBuilder builder = KinesisClient.builder()
        .region(Region.of(config.region()))
        .httpClientBuilder(ApacheHttpClient.builder());
    config.endpoint().ifPresentOrElse(
        endpoint -> builder.endpointOverride(endpoint)
            // an emulator accepts any key; real AWS uses the default chain (role, profile, env)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))),
        () -> builder.credentialsProvider(DefaultCredentialsProvider.create()));
    return builder.build();
  }

  public static Summary send(SimulatorConfig config, KinesisClient client) {
    Map<Stream, Map<Kind, Long>> counts = new EnumMap<>(Stream.class);
    RateLimiter limiter = new RateLimiter(config.maxRecordsPerSecond());
    Map<String, KinesisBatchWriter> writers = new java.util.LinkedHashMap<>();
    try {
      new Simulation(config).run(record -> {
        limiter.acquire();
        writers.computeIfAbsent(config.streamOf(record), stream -> new KinesisBatchWriter(client, stream))
            .add(record.partitionKey(), record.data());
        counts.computeIfAbsent(record.stream(), s -> new EnumMap<>(Kind.class)).merge(record.kind(), 1L, Long::sum);
      }, () -> {
        if (config.realtime()) {
          // in real time, deliver each tick promptly rather than when 500 records have piled up
          writers.values().forEach(KinesisBatchWriter::flush);
        }
      });
    } finally {
      writers.values().forEach(KinesisBatchWriter::close);
    }
    return new Summary(counts);
  }

  /** At most {@code perSecond} acquisitions a second; 0 means unlimited. */
  static final class RateLimiter {
    private final long intervalNanos;
    private long next = System.nanoTime();

    RateLimiter(int perSecond) {
      this.intervalNanos = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
    }

    void acquire() {
      if (intervalNanos == 0) {
        return;
      }
      long now = System.nanoTime();
      if (next > now) {
        java.util.concurrent.locks.LockSupport.parkNanos(next - now);
      }
      next = Math.max(next, now) + intervalNanos;
    }
  }
}
