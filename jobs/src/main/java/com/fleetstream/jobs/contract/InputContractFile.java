package com.fleetstream.jobs.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.jobs.contract.InputContract.RecordKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A contract file: JSON, read once at start from wherever Hadoop reads (S3, local). Every key is
 * checked; an unknown one, or a value of the wrong kind, stops the job naming the argument, the
 * file and the key.
 *
 * <pre>{@code
 * {"contract": "trucks", "version": 1, "record": "location",
 *  "fields": {"vehicle_id": ["truck_id"], "timestamp": ["ts"]},
 *  "numbers_as_text": true, "timestamp_formats": ["iso8601", "epoch_millis"],
 *  "entity_id_from_partition_key": false, "event_time_from_arrival": false,
 *  "constants": {"metric": "temperature"}}
 * }</pre>
 */
public final class InputContractFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS = Set.of("contract", "version", "record", "fields", "numbers_as_text",
      "timestamp_formats", "entity_id_from_partition_key", "event_time_from_arrival", "constants");

  private InputContractFile() {}

  /**
   * @param json the file's text
   * @param uri where it was read from, and {@code argument} the job argument that named it, for messages
   * @param fields the product's fields of that record, which {@code fields} may map
   * @param textFields those a constant may be given for
   */
  public static InputContract read(String json, String uri, String argument, RecordKind record,
      Set<String> fields, Set<String> textFields) {
    try {
      return parse(json, record, fields, textFields);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(argument, "contract " + uri + ": " + e.getMessage());
    }
  }

  public static InputContract parse(String json, RecordKind record, Set<String> fields, Set<String> textFields) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    root.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown key '" + k + "' (known: " + String.join(", ", KEYS.stream()
            .sorted().toList()) + ")");
      }
    });
    String name = text(root, "contract", null);
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("key 'contract' must be a name of letters, digits, '.', '_' or '-'"
          + " (at most 64), got " + root.get("contract"));
    }
    JsonNode version = root.get("version");
    if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.intValue() < 1) {
      throw new IllegalArgumentException("key 'version' must be a whole number from 1, got " + version);
    }
    String kind = text(root, "record", null);
    if (kind == null || !kind.equals(record.name().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("key 'record' must be '" + record.name().toLowerCase(Locale.ROOT)
          + "' for this job, got " + root.get("record"));
    }
    List<TimestampFormat> formats = new ArrayList<>();
    for (String f : strings(root, "timestamp_formats", "timestamp_formats", List.of("iso8601"))) {
      formats.add(TimestampFormat.ofFileName(f));
    }
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("key 'timestamp_formats' must name at least one format");
    }
    if (formats.contains(TimestampFormat.EPOCH_SECONDS) && formats.contains(TimestampFormat.EPOCH_MILLIS)) {
      throw new IllegalArgumentException("key 'timestamp_formats' may hold epoch_seconds or epoch_millis, not both:"
          + " a number alone does not say which it is");
    }
    return new InputContract(name, version.intValue(), record,
        aliases(root, fields),
        bool(root, "numbers_as_text", true),
        formats,
        bool(root, "entity_id_from_partition_key", false),
        bool(root, "event_time_from_arrival", false),
        constants(root, textFields));
  }

  private static Map<String, List<String>> aliases(JsonNode root, Set<String> fields) {
    JsonNode node = object(root, "fields");
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    Set<String> taken = new java.util.HashSet<>(fields);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!fields.contains(e.getKey())) {
        throw new IllegalArgumentException("key 'fields." + e.getKey() + "': not a field of this record (fields: "
            + String.join(", ", fields.stream().sorted().toList()) + ")");
      }
      List<String> names = strings(node, e.getKey(), "fields." + e.getKey(), List.of());
      for (String n : names) {
        if (!taken.add(n)) {
          throw new IllegalArgumentException("key 'fields." + e.getKey() + "': '" + n
              + "' already names another field");
        }
      }
      aliases.put(e.getKey(), names);
    }
    return aliases;
  }

  private static Map<String, String> constants(JsonNode root, Set<String> textFields) {
    JsonNode node = object(root, "constants");
    Map<String, String> constants = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!textFields.contains(e.getKey())) {
        throw new IllegalArgumentException("key 'constants." + e.getKey() + "': only text fields take a constant ("
            + String.join(", ", textFields.stream().sorted().toList()) + ")");
      }
      if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
        throw new IllegalArgumentException("key 'constants." + e.getKey() + "' must be non-empty text, got "
            + e.getValue());
      }
      constants.put(e.getKey(), e.getValue().asText());
    }
    return constants;
  }

  private static JsonNode object(JsonNode root, String key) {
    JsonNode node = root.get(key);
    if (node == null) {
      return JSON.createObjectNode();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("key '" + key + "' must be an object, got " + node);
    }
    return node;
  }

  private static String text(JsonNode root, String key, String dflt) {
    JsonNode node = root.get(key);
    if (node == null) {
      return dflt;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("key '" + key + "' must be text, got " + node);
    }
    return node.asText();
  }

  private static boolean bool(JsonNode root, String key, boolean dflt) {
    JsonNode node = root.get(key);
    if (node == null) {
      return dflt;
    }
    if (!node.isBoolean()) {
      throw new IllegalArgumentException("key '" + key + "' must be true or false, got " + node);
    }
    return node.booleanValue();
  }

  /** @param where the key's path in the file, for messages */
  private static List<String> strings(JsonNode parent, String key, String where, List<String> dflt) {
    JsonNode node = parent.get(key);
    if (node == null) {
      return dflt;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("key '" + where + "' must be a list of text, got " + node);
    }
    List<String> values = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual() || n.asText().isBlank()) {
        throw new IllegalArgumentException("key '" + where + "' must be a list of non-empty text, got " + node);
      }
      values.add(n.asText());
    }
    return values;
  }
}
