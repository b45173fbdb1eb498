package com.fleetstream.jobs.combine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One object per combine run, written last under {@code <final>/_manifests/<run id>.json}: which
 * input tables (Delta table id) at which versions the run read, which days of which tables it wrote,
 * with rows and bytes, and which it left for the next run. The next run starts from the newest
 * manifest; the notifier emails one per run.
 */
public final class RunManifest {
  public static final String FOLDER = "_manifests";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunManifest() {}

  /**
   * What the newest run recorded, empty before the first run: each input's version and Delta table id
   * (a table deleted and made again under its path has a new id, and versions counted from 0 again;
   * none in a manifest older than the ids), and per output table the days it left for the next run
   * ({@code MAX_DAYS_PER_RUN}).
   */
  public record Last(Map<String, Long> inputVersions, Map<String, String> inputTableIds,
      Map<String, Set<String>> pendingDays) {}

  /** The newest manifest's {@link Last}, read once. */
  public static Last last(Configuration conf, String finalPath) {
    Map<String, Long> versions = new TreeMap<>();
    Map<String, String> ids = new TreeMap<>();
    Map<String, Set<String>> pending = new TreeMap<>();
    newest(conf, finalPath).ifPresent(m -> {
      m.path("input_versions").fields().forEachRemaining(e -> versions.put(e.getKey(), e.getValue().asLong()));
      m.path("input_table_ids").fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asText()));
      m.path("pending_days").fields().forEachRemaining(e -> {
        Set<String> days = new TreeSet<>();
        e.getValue().forEach(d -> days.add(d.asText()));
        pending.put(e.getKey(), days);
      });
    });
    return new Last(versions, ids, pending);
  }

  private static Optional<JsonNode> newest(Configuration conf, String finalPath) {
    try {
      Path dir = new Path(finalPath, FOLDER);
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      Path newest = null;
      for (FileStatus f : fs.listStatus(dir)) {
        if (f.getPath().getName().endsWith(".json")
            && (newest == null || f.getPath().getName().compareTo(newest.getName()) > 0)) {
          newest = f.getPath();
        }
      }
      if (newest == null) {
        return Optional.empty();
      }
      try (var in = fs.open(newest)) {
        return Optional.of(JSON.readTree(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the manifest's URI */
  public static String write(Configuration conf, String finalPath, String runId, Map<String, Long> inputVersions,
      Map<String, String> inputTableIds, Map<String, Set<String>> pendingDays,
      Map<String, Map<String, FinalTableWriter.DayStats>> tables, long unmatchedPositions) {
    ObjectNode root = JSON.createObjectNode();
    root.put("run_id", runId);
    root.put("finished_at", Instant.now().toString());
    root.put("base_uri", finalPath);
    inputVersions.forEach(root.putObject("input_versions")::put);
    inputTableIds.forEach(root.putObject("input_table_ids")::put);
    ObjectNode pending = root.putObject("pending_days");
    pendingDays.forEach((table, days) -> {
      ArrayNode list = pending.putArray(table);
      days.forEach(list::add);
    });
    root.put("unmatched_positions", unmatchedPositions);
    ArrayNode list = root.putArray("tables");
    tables.forEach((table, days) -> {
      ObjectNode t = list.addObject();
      t.put("name", table);
      t.put("format", "delta");
      ArrayNode partitions = t.putArray("partitions");
      days.forEach((dt, s) -> partitions.addObject().put("dt", dt).put("uri", finalPath + "/" + table + "/dt=" + dt)
          .put("rows", s.rows()).put("bytes", s.bytes()));
    });
    Path file = new Path(finalPath, FOLDER + "/" + runId + ".json");
    try (FSDataOutputStream out = file.getFileSystem(conf).create(file, false)) {
      out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
    return file.toString();
  }
}
