package com.fleetstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time per process from {@code /proc}, grouped as the benchmark's parts: this JVM (the job and the
 * simulator), kinesalite (node: one thread of JavaScript, so near 1.0 it is saturated), PostgreSQL
 * (its postmaster and backends), everything else.
 */
final class ProcessCpu {
  /** Linux's USER_HZ: /proc counts CPU time in these. */
  private static final double TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** Per pid (as "group/pid"), the CPU ticks it used so far. */
  static Map<String, Long> ticks() {
    long self = ProcessHandle.current().pid();
    Map<String, Long> ticks = new TreeMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          String stat = Files.readString(p.resolve("stat"));
          // "pid (comm) state ppid ..." where comm may hold spaces: the fields after it count from its ')'
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // utime, stime, and cutime, cstime: children it reaped (PostgreSQL's backends, Hadoop's chmod forks)
          long used = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
          String pid = p.getFileName().toString();
          ticks.put(group(comm, Long.parseLong(pid) == self) + "/" + pid, used);
        } catch (IOException | RuntimeException e) {
          // the process ended while being read
        }
      });
    } catch (IOException e) {
      return Map.of(); // no /proc: not Linux
    }
    return ticks;
  }

  private static String group(String comm, boolean self) {
    if (self) {
      return "jvm";
    }
    if (comm.startsWith("node")) {
      return "kinesalite";
    }
    if (comm.startsWith("postgres")) {
      return "postgres";
    }
    return "other";
  }

  /** Cores each group kept busy between two samples {@code millis} apart (1.0 = one core). */
  static Map<String, Double> share(Map<String, Long> before, Map<String, Long> after, long millis) {
    Map<String, Double> cores = new TreeMap<>();
    after.forEach((key, used) -> {
      long delta = used - before.getOrDefault(key, 0L);
      cores.merge(key.substring(0, key.indexOf('/')), delta / TICKS_PER_SECOND / (millis / 1000.0), Double::sum);
    });
    cores.replaceAll((k, v) -> Math.round(v * 100) / 100.0);
    return cores;
  }
}
