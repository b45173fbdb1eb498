package com.fleetstream.notifier;

import java.util.List;
import java.util.Locale;

/** The SNS message for one run: subject, body and the attributes subscription filters match on. */
public record Email(String subject, String body, String dataset, List<String> days) {
  private static final int MAX_SUBJECT = 99;

  public static Email of(Manifest m, String manifestUri, String athenaDatabase, String dataset) {
    List<String> days = m.days();
    String span = days.isEmpty() ? "no partitions"
        : days.size() == 1 ? "dt " + days.get(0) : "dt " + days.get(0) + ".." + days.get(days.size() - 1);
    String subject = ascii("fleetstream: new final data, " + m.rows() + " rows, " + span + " (run " + m.runId() + ")");

    StringBuilder b = new StringBuilder();
    b.append("A combine run finished and its data is ready.\n\n");
    b.append("Run:       ").append(m.runId()).append('\n');
    b.append("Finished:  ").append(m.finishedAt()).append('\n');
    b.append("Manifest:  ").append(manifestUri).append('\n');
    b.append("Rows:      ").append(m.rows()).append('\n');
    b.append("Size:      ").append(size(m.bytes())).append("\n\n");
    for (Manifest.Table t : m.tables()) {
      b.append(t.name()).append(" (").append(t.format()).append("): ").append(t.rows()).append(" rows\n");
      for (Manifest.Partition p : t.partitions()) {
        b.append(String.format(Locale.ROOT, "  dt=%s  %10d rows  %10s  %s%n", p.dt(), p.rows(), size(p.bytes()),
            p.uri()));
      }
    }
    if (!m.tables().isEmpty() && !days.isEmpty()) {
      Manifest.Table first = m.tables().get(0);
      b.append("\nTry it in Athena:\n  SELECT * FROM \"").append(athenaDatabase).append("\".\"").append(first.name())
          .append("\" WHERE dt = '").append(days.get(days.size() - 1)).append("' LIMIT 10;\n");
    }
    return new Email(subject, b.toString(), dataset, days);
  }

  /** SNS subjects: printable ASCII, under 100 characters. */
  static String ascii(String text) {
    StringBuilder s = new StringBuilder();
    for (char c : text.toCharArray()) {
      s.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() <= MAX_SUBJECT ? s.toString() : s.substring(0, MAX_SUBJECT - 3) + "...";
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
    return String.format(Locale.ROOT, "%.1f %siB", bytes / (double) (1L << (unit * 10)), " KMGTPE".charAt(unit));
  }
}
