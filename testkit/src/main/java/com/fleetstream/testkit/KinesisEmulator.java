package com.fleetstream.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * kinesalite (npm), in memory on 127.0.0.1 and a free port, as a child process of this JVM.
 * The child exits when our end of its stdin closes, so a killed JVM leaves no emulator behind.
 */
public final class KinesisEmulator implements AutoCloseable {
  public static final String ACCESS_KEY = "local";
  public static final String SECRET_KEY = "local";
  public static final Region REGION = Region.US_EAST_1;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final KinesisClient client;
  /** Released once for each stdin command the emulator confirms. */
  private final Semaphore confirmed = new Semaphore(0);
  private final AtomicInteger faultsServed = new AtomicInteger();
  private final AtomicLong recordsServed = new AtomicLong();
  private volatile boolean closing;

  private KinesisEmulator(Process process, int port, BufferedReader output) {
    this.process = process;
    this.port = port;
    this.client = newClient(endpoint());
    drain(output);
  }

  private void drain(BufferedReader reader) {
    // Keep draining its output (it only speaks when something is wrong) so it never blocks on a full pipe.
    Thread drain = new Thread(() -> {
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          System.err.println("kinesalite: " + line);
          if (line.startsWith("clock advanced") || line.startsWith("failing the next")
              || line.startsWith("refusing the first") || line.startsWith("empty pages of new iterators")) {
            confirmed.release();
          } else if (line.startsWith("records served ")) {
            recordsServed.set(Long.parseLong(line.substring("records served ".length()).strip()));
            confirmed.release();
          } else if (line.startsWith("fault served")) {
            faultsServed.incrementAndGet();
          }
        }
        int exit = process.waitFor();
        if (!closing) {
          System.err.println("kinesalite on port " + port + " exited: " + exit);
        }
      } catch (IOException | InterruptedException ignored) {
        // the JVM is going away
      }
    }, "kinesalite-output");
    drain.setDaemon(true);
    drain.start();
  }

  public static KinesisEmulator start() {
    Path dir = ProjectPaths.root().resolve("tools/kinesalite");
    installPackages(dir);
    int port = FreePort.pick();
    try {
      Process process = new ProcessBuilder("node", "server.js", Integer.toString(port))
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .start();
      return new KinesisEmulator(process, port, awaitReady(process, port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start kinesalite (is node on the PATH?)", e);
    }
  }

  /** npm ci once per checkout; a lock file keeps two JVMs from installing at the same time. */
  private static synchronized void installPackages(Path dir) {
    if (Files.isDirectory(dir.resolve("node_modules/kinesalite"))) {
      return;
    }
    try (var channel = java.nio.channels.FileChannel.open(dir.resolve(".install.lock"),
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
         var lock = channel.lock()) {
      if (Files.isDirectory(dir.resolve("node_modules/kinesalite"))) {
        return;
      }
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
          .directory(dir.toFile()).inheritIO().start();
      if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        throw new IllegalStateException("npm ci in " + dir + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for kinesalite to listen; returns its output, to be drained from then on. */
  private static BufferedReader awaitReady(Process process, int port) throws IOException {
    var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = reader.readLine()) != null) {
          if (line.contains("listening on " + port)) {
            return line;
          }
          seen.append(line).append('\n');
        }
        throw new IllegalStateException("kinesalite exited before it was ready:\n" + seen);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("kinesalite did not start on port " + port, e);
    }
    return reader;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public KinesisClient client() {
    return client;
  }

  public static KinesisClient newClient(URI endpoint) {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /**
   * Moves the emulator's clock on: records older than a stream's retention then expire (as on AWS,
   * they are no longer returned), iterators older than five minutes are refused, and a shard closed
   * longer ago than the retention leaves the stream (not listed; GetShardIterator refuses it).
   */
  public void advanceClock(Duration by) {
    command("advance-clock " + by.toMillis());
  }

  /**
   * Answers the next {@code times} requests for {@code operation} ("GetRecords", ...) with HTTP 400 and
   * Kinesis's {@code errorCode} ("ProvisionedThroughputExceededException", "ExpiredIteratorException"):
   * the refusals kinesalite never makes itself.
   */
  public void failNext(String operation, int times, String errorCode) {
    command("fail " + operation + " " + times + " " + errorCode);
  }

  /**
   * The next PutRecords refuses its first {@code entries} entries with {@code errorCode} and stores
   * the rest: a partial failure, HTTP 200 with {@code FailedRecordCount}, as a throttled shard gives.
   */
  public void failEntriesOfNextPutRecords(int entries, String errorCode) {
    command("fail-entries " + entries + " " + errorCode);
  }

  /**
   * From now on an empty GetRecords page read with an iterator straight from GetShardIterator reports
   * {@code millisBehindLatest} {@code lag} rather than 0, as Kinesis does for an idle shard; the next
   * page, read with its NextShardIterator, reports the truth. Zero turns it off. GetShardIterator and
   * GetRecords must be JSON (aws.cborEnabled=false, as the tests' JVMs have it).
   */
  public void reportPhantomLag(Duration lag) {
    command("phantom-lag " + lag.toMillis());
  }

  /**
   * The records GetRecords has returned since the emulator started, counting every reader (GetRecords
   * must be JSON, aws.cborEnabled=false, as the tests' JVMs have it): how often each record was
   * fetched.
   */
  public long recordsServed() {
    command("records-served");
    return recordsServed.get();
  }

  /** How many requests {@link #failNext} and {@link #failEntriesOfNextPutRecords} have refused so far. */
  public int faultsServed() {
    return faultsServed.get();
  }

  private void command(String line) {
    try {
      var stdin = process.getOutputStream();
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      if (!confirmed.tryAcquire(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("kinesalite did not confirm '" + line + "'");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates the stream and waits until it is ACTIVE. */
  public void createStream(String name, int shards) {
    client.createStream(b -> b.streamName(name).shardCount(shards));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("stream " + name + " not ACTIVE after 30 s");
      }
      sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closing = true;
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
