package com.fleetstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark table: ours, the baseline run in the same process, their ratio, peak heap. */
final class Results {
  record Row(String name, double ours, double baseline, String unit, String baselineIs) {
    double ratio() {
      return baseline == 0 ? Double.NaN : ours / baseline;
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<Long> peaks = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
    peaks.add(peakHeapMb());
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    System.out.println(line(row, peaks.get(peaks.size() - 1)));
  }

  private static String line(Row r, long peakMb) {
    return String.format(Locale.ROOT, "| %-52s | %14.0f | %14.0f | %-8s | %6.2fx | %6d MB |", r.name(), r.ours(),
        r.baseline(), r.unit(), r.ratio(), peakMb);
  }

  void print(Path json, String machine) throws IOException {
    System.out.println("\nBenchmarks on " + machine);
    System.out.println(String.format("| %-52s | %14s | %14s | %-8s | %7s | %9s |", "benchmark", "ours", "baseline",
        "unit", "ratio", "peak heap"));
    System.out.println("|" + "-".repeat(54) + "|" + "-".repeat(16) + "|" + "-".repeat(16) + "|" + "-".repeat(10)
        + "|" + "-".repeat(9) + "|" + "-".repeat(11) + "|");
    for (int i = 0; i < rows.size(); i++) {
      System.out.println(line(rows.get(i), peaks.get(i)));
    }
    rows.forEach(r -> System.out.println("  baseline of '" + r.name() + "': " + r.baselineIs()));
    StringBuilder s = new StringBuilder("{\n  \"machine\": \"" + machine + "\",\n  \"results\": [\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      s.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"ours\": %.1f, \"baseline\": %.1f, \"unit\": \"%s\","
          + " \"ratio\": %.3f, \"peak_heap_mb\": %d, \"baseline_is\": \"%s\"}%s%n", r.name(), r.ours(), r.baseline(),
          r.unit(), r.ratio(), peaks.get(i), r.baselineIs(), i + 1 < rows.size() ? "," : ""));
    }
    s.append("  ]\n}\n");
    Files.createDirectories(json.getParent());
    Files.writeString(json, s.toString());
    System.out.println("\nwritten to " + json);
  }

  private static long peakHeapMb() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes >> 20;
  }
}
