package com.fleetstream.notifier;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The combine job's run manifest: what one run wrote, table by table and partition by partition.
 * Parsed with the SDK's own small JSON reader, so the Lambda carries no JSON library.
 */
public record Manifest(String runId, String finishedAt, String baseUri, List<Table> tables) {

  public record Table(String name, String format, List<Partition> partitions) {
    public long rows() {
      return partitions.stream().mapToLong(Partition::rows).sum();
    }
  }

  public record Partition(String dt, String uri, long rows, long bytes) {}

  public static Manifest parse(String json) {
    JsonNode root = JsonNode.parser().parse(json);
    List<Table> tables = new ArrayList<>();
    for (JsonNode t : array(root, "tables")) {
      List<Partition> partitions = new ArrayList<>();
      for (JsonNode p : array(t, "partitions")) {
        partitions.add(new Partition(text(p, "dt"), text(p, "uri"), number(p, "rows"), number(p, "bytes")));
      }
      tables.add(new Table(text(t, "name"), text(t, "format"), List.copyOf(partitions)));
    }
    return new Manifest(text(root, "run_id"), text(root, "finished_at"), text(root, "base_uri"), List.copyOf(tables));
  }

  public long rows() {
    return tables.stream().mapToLong(Table::rows).sum();
  }

  public long bytes() {
    return tables.stream().flatMap(t -> t.partitions().stream()).mapToLong(Partition::bytes).sum();
  }

  /** Every dt the run touched, sorted. */
  public List<String> days() {
    TreeSet<String> days = new TreeSet<>();
    tables.forEach(t -> t.partitions().forEach(p -> days.add(p.dt())));
    return List.copyOf(days);
  }

  private static List<JsonNode> array(JsonNode node, String field) {
    JsonNode value = field(node, field);
    if (!value.isArray()) {
      throw new IllegalArgumentException("manifest field '" + field + "' is not an array");
    }
    return value.asArray();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = field(node, field);
    if (!value.isString()) {
      throw new IllegalArgumentException("manifest field '" + field + "' is not a string");
    }
    return value.asString();
  }

  private static long number(JsonNode node, String field) {
    JsonNode value = field(node, field);
    if (!value.isNumber()) {
      throw new IllegalArgumentException("manifest field '" + field + "' is not a number");
    }
    return Long.parseLong(value.asNumber());
  }

  private static JsonNode field(JsonNode node, String field) {
    return node.field(field).orElseThrow(() -> new IllegalArgumentException("manifest lacks field '" + field + "'"));
  }
}
