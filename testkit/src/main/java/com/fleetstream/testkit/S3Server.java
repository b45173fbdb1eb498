package com.fleetstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Adobe S3Mock as a child process speaking the S3 API over plain HTTP on 127.0.0.1. It runs in its
 * own JVM because its Spring Boot, Jackson and logging clash with Spark's. A shell wrapper stops it
 * when our end of its stdin closes, so a killed test JVM leaves no server behind.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "local";
  public static final String SECRET_KEY = "local";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int port;

  private S3Server(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Hadoop's s3a settings for an S3 server on plain HTTP: path-style, its region, few retries, and
   * directory markers kept (S3Mock lists them as objects).
   *
   * @param staticKeys whether s3a logs in with this server's keys; a Glue job does not, it takes its
   *     role's credentials from the environment
   */
  public static Map<String, String> s3aSettings(URI endpoint, String region, boolean staticKeys) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (staticKeys) {
      conf.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      conf.put("fs.s3a.access.key", ACCESS_KEY);
      conf.put("fs.s3a.secret.key", SECRET_KEY);
    }
    conf.put("fs.s3a.endpoint", endpoint.toString());
    conf.put("fs.s3a.endpoint.region", region);
    conf.put("fs.s3a.path.style.access", "true");
    conf.put("fs.s3a.connection.ssl.enabled", "false");
    conf.put("fs.s3a.directory.marker.retention", "keep");
    conf.put("fs.s3a.retry.limit", "3");
    return conf;
  }

  /** @param jar the s3mock {@code exec} jar; @param storeRoot where objects are kept */
  public static S3Server start(Path jar, Path storeRoot, String... buckets) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; the build copies it (mvn generate-test-resources)");
    }
    int port = FreePort.pick();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = String.join(" ", "exec", q(java), "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", q(jar.toString()),
        "--http.port=" + port, "--server.port=" + FreePort.pick(), "--server.address=127.0.0.1",
        "--spring.main.banner-mode=off",
        "--com.adobe.testing.s3mock.store.root=" + q(storeRoot.toString()),
        "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets));
    try {
      Files.createDirectories(storeRoot);
      Path log = storeRoot.resolveSibling(storeRoot.getFileName() + ".log");
      Process process = new ProcessBuilder("sh", "-c",
          "(" + command + ") >" + q(log.toString()) + " 2>&1 & pid=$!; cat >/dev/null; kill $pid; wait $pid")
          .start();
      S3Server server = new S3Server(process, port);
      server.awaitReady(log);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Mock", e);
    }
  }

  private static String q(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private void awaitReady(Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited: " + Files.readString(log));
      }
      try {
        http.send(HttpRequest.newBuilder(endpoint()).GET().build(), HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        sleep();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException("S3Mock not ready after " + START_TIMEOUT + ": " + Files.readString(log));
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
