package com.fleetstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of this JVM's Java execution samples (every 20 ms per running thread), summarised
 * for a span of time: the share of samples per part of the job ({@link #component}) and the hottest
 * methods below the JDK and Scala (a HashMap lookup Spark makes counts for Spark's method).
 */
final class Profile {
  static final String SIMULATOR_THREAD = "simulator";
  private static final List<String[]> COMPONENTS = List.of(
      new String[] {"com.fleetstream.", "fleetstream (our code)"},
      new String[] {"io.delta.", "Delta"},
      new String[] {"org.apache.parquet.", "Parquet"},
      new String[] {"org.postgresql.", "PostgreSQL driver"},
      new String[] {"software.amazon.", "AWS SDK"},
      new String[] {"org.apache.http.", "AWS SDK"},
      new String[] {"com.fasterxml.", "Jackson"},
      new String[] {"org.apache.spark.sql.catalyst.expressions.GeneratedClass", "Spark generated code"},
      new String[] {"org.apache.spark.", "Spark"},
      new String[] {"org.apache.hadoop.", "Hadoop"},
      new String[] {"io.netty.", "Netty (Spark RPC)"},
      new String[] {"org.xerial.snappy.", "Snappy"},
      new String[] {"com.github.luben.", "zstd"});
  private static final List<String> RUNTIME = List.of("java.", "javax.", "jdk.", "sun.", "scala.", "com.sun.");

  private final Recording recording;
  private final Path file;
  private final Map<Integer, String> servers;
  private List<Sample> samples;
  private List<Wait> waits;

  private record Sample(long at, String component, String method) {}

  /** A socket read that blocked: when it ended, how long, which server it waited on. */
  private record Wait(long at, long nanos, String server) {}

  private Profile(Recording recording, Path file, Map<Integer, String> servers) {
    this.recording = recording;
    this.file = file;
    this.servers = servers;
  }

  /** @param servers names of the local servers by port, to say whom socket reads waited on */
  static Profile start(Path file, Map<Integer, String> servers) {
    Recording r = new Recording();
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(20));
    r.enable("jdk.SocketRead").withThreshold(Duration.ofMillis(1));
    r.setToDisk(true);
    r.start();
    return new Profile(r, file, servers);
  }

  void stop() throws IOException {
    Files.createDirectories(file.getParent());
    recording.stop();
    recording.dump(file);
    recording.close();
    samples = new ArrayList<>();
    waits = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getEventType().getName().equals("jdk.SocketRead")) {
        waits.add(new Wait(e.getEndTime().toEpochMilli(), e.getDuration().toNanos(),
            servers.getOrDefault(e.getInt("port"), "port " + e.getInt("port"))));
        continue;
      }
      if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
      RecordedFrame own = firstOwnFrame(frames);
      RecordedFrame top = own == null ? frames.get(0) : own;
      String method = top.getMethod().getType().getName() + "." + top.getMethod().getName();
      samples.add(new Sample(e.getStartTime().toEpochMilli(), component(thread, frames), method));
    }
  }

  /**
   * Where a sample's time goes: on an executor's task thread, the component of its first frame below
   * the JDK and Scala (Parquet, Delta, the PostgreSQL driver, generated code, ...); on the driver, the
   * phase of the micro-batch it is in (code generation, planning, or the rest of Spark's driver work).
   */
  private static String component(String thread, List<RecordedFrame> frames) {
    if (SIMULATOR_THREAD.equals(thread)) {
      return "simulator (the load, not the job)";
    }
    if (thread.startsWith("Executor task launch worker")) {
      return "task: " + library(frames);
    }
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      if (type.contains(".codegen.") || type.endsWith("WholeStageCodegenExec")) {
        return "driver: code generation";
      }
      if (type.startsWith("org.apache.spark.sql.catalyst.rules.RuleExecutor")) {
        return "driver: planning (analyzer, optimizer)";
      }
    }
    return "driver: " + library(frames);
  }

  private static String library(List<RecordedFrame> frames) {
    RecordedFrame first = firstOwnFrame(frames);
    if (first == null) {
      return "JDK";
    }
    String type = first.getMethod().getType().getName();
    return COMPONENTS.stream().filter(c -> type.startsWith(c[0])).map(c -> c[1]).findFirst()
        .orElse(type.substring(0, Math.max(0, type.lastIndexOf('.'))));
  }

  /** The first frame below the JDK's and Scala's own libraries, or null. */
  private static RecordedFrame firstOwnFrame(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      if (RUNTIME.stream().noneMatch(type::startsWith)) {
        return f;
      }
    }
    return null;
  }

  /** Samples between {@code from} and {@code to} (epoch ms): components' shares and the top methods. */
  String summary(long from, long to) {
    List<Sample> span = samples.stream().filter(s -> s.at() >= from && s.at() < to).toList();
    if (span.isEmpty()) {
      return "  profile: no samples";
    }
    StringBuilder s = new StringBuilder("  profile (" + span.size() + " samples): ");
    s.append(shares(span.stream().collect(Collectors.groupingBy(Sample::component, TreeMap::new,
        Collectors.counting())), span.size(), 8));
    Map<String, Double> waited = new TreeMap<>();
    waits.stream().filter(w -> w.at() >= from && w.at() < to)
        .forEach(w -> waited.merge(w.server(), w.nanos() / 1e9 / ((to - from) / 1000.0), Double::sum));
    s.append("\n  threads blocked reading from (thread-seconds a second): ").append(waited.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
    s.append("\n  hottest methods: ");
    s.append(shares(span.stream().collect(Collectors.groupingBy(Sample::method, TreeMap::new,
        Collectors.counting())), span.size(), 6));
    return s.toString();
  }

  private static String shares(Map<String, Long> counts, int total, int top) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(top)
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(),
        100.0 * e.getValue() / total)).collect(Collectors.joining(", "));
  }
}
