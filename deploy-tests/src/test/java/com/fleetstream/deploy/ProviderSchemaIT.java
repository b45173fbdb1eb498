package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.testkit.ProjectPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every resource and data block of {@code terraform/} against the hashicorp/aws provider schema of a
 * version within {@code versions.tf}'s range (5.99.1, extracted by {@code tools/provider-schema}):
 * no argument or nested block the provider does not have, none it requires missing, and every
 * attribute referenced ({@code aws_x.name.attr}, {@code data.aws_x.name.attr}) one the type exports;
 * every resource that takes tags is given them.
 */
class ProviderSchemaIT {
  private static final Set<String> META = Set.of("count", "for_each", "provider", "depends_on", "lifecycle",
      "provisioner", "connection");
  private static final Pattern RESOURCE_REF = Pattern.compile(
      "(?<![.\\w])(aws_[a-z0-9_]+)\\.([a-z0-9_]+)(?:\\[[^\\]]*\\])?\\.([a-z0-9_]+)");
  private static final Pattern DATA_REF = Pattern.compile(
      "(?<![.\\w])data\\.(aws_[a-z0-9_]+)\\.([a-z0-9_]+)(?:\\[[^\\]]*\\])?\\.([a-z0-9_]+)");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> schema() throws IOException {
    try (InputStream in = ProviderSchemaIT.class.getResourceAsStream("/aws-provider-schema.json")) {
      return new ObjectMapper().readValue(in, Map.class);
    }
  }

  private static List<Path> folders() throws IOException {
    List<Path> dirs = new ArrayList<>(List.of(ProjectPaths.root().resolve("terraform/deployment")));
    for (String kind : List.of("modules", "examples")) {
      try (Stream<Path> s = Files.list(ProjectPaths.root().resolve("terraform").resolve(kind))) {
        s.filter(Files::isDirectory).sorted().forEach(dirs::add);
      }
    }
    return dirs;
  }

  /** Whether the folder declares an AWS resource, data source or provider configuration. */
  private static boolean usesAws(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".tf")).toList()) {
        if (Pattern.compile("(resource|data)\\s+\"aws_|provider\\s+\"aws\"").matcher(Files.readString(f)).find()) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyBlockAndReferenceIsInTheProviderSchema() throws IOException {
    Map<String, Object> schema = schema();
    assertThat(schema).containsEntry("version", "5.99.1");
    for (Path dir : folders()) {
      if (!usesAws(dir)) {
        continue; // the sizing module computes; it calls no provider
      }
      String versions = Files.readString(dir.resolve("versions.tf"));
      Matcher constraint = Pattern.compile("source\\s*=\\s*\"hashicorp/aws\"\\s*version\\s*=\\s*\"([^\"]+)\"")
          .matcher(versions);
      assertThat(constraint.find()).as(dir + "/versions.tf requires hashicorp/aws with a version").isTrue();
      assertThat(allows(constraint.group(1), "5.99.1")).as(dir + ": " + constraint.group(1) + " allows 5.99.1").isTrue();
    }
    List<String> problems = new ArrayList<>();
    int blocks = 0;
    for (Path dir : folders()) {
      for (Map.Entry<String, Object> file : Terraform.parse(dir).entrySet()) {
        if (!file.getKey().endsWith(".tf")) {
          continue;
        }
        Map<String, Object> content = (Map<String, Object>) file.getValue();
        for (String kind : List.of("resource", "data")) {
          Map<String, Object> types = (Map<String, Object>) content.getOrDefault(kind, Map.of());
          for (Map.Entry<String, Object> type : types.entrySet()) {
            Map<String, Object> typeSchema = (Map<String, Object>) ((Map<String, Object>) schema.get(kind))
                .get(type.getKey());
            String where = dir.getFileName() + "/" + file.getKey() + " " + kind + " " + type.getKey();
            if (typeSchema == null) {
              problems.add(where + ": not in the extracted schema (rerun node tools/provider-schema/extract.js)");
              continue;
            }
            boolean taggable = ((Map<String, Object>) typeSchema.get("arguments")).containsKey("tags");
            for (Map.Entry<String, Object> block : ((Map<String, Object>) type.getValue()).entrySet()) {
              for (Object body : (List<Object>) block.getValue()) {
                blocks++;
                if (kind.equals("resource") && taggable && !((Map<String, Object>) body).containsKey("tags")) {
                  // a module used from another root gets no default_tags of ours
                  problems.add(where + "." + block.getKey() + ": taggable, without tags");
                }
                check(where + "." + block.getKey(), (Map<String, Object>) body, typeSchema, true, problems);
              }
            }
          }
        }
        references(dir.getFileName() + "/" + file.getKey(), content, schema, problems);
      }
    }
    assertThat(blocks).isGreaterThan(40);
    assertThat(problems).as("against hashicorp/aws 5.99.1").isEmpty();
  }

  /** Terraform's version constraint syntax: comma-separated {@code >= < <= > = != ~>} terms. */
  static boolean allows(String constraint, String version) {
    for (String term : constraint.split(",")) {
      Matcher m = Pattern.compile("\\s*(>=|<=|!=|~>|>|<|=)?\\s*([0-9.]+)\\s*").matcher(term);
      if (!m.matches()) {
        throw new IllegalArgumentException("version constraint " + constraint);
      }
      String op = m.group(1) == null ? "=" : m.group(1);
      int c = compare(version, m.group(2));
      boolean ok = switch (op) {
        case ">=" -> c >= 0;
        case "<=" -> c <= 0;
        case ">" -> c > 0;
        case "<" -> c < 0;
        case "!=" -> c != 0;
        case "~>" -> {
          String[] parts = m.group(2).split("\\.");
          String prefix = String.join(".", java.util.Arrays.copyOf(parts, Math.max(1, parts.length - 1)));
          yield c >= 0 && (version + ".").startsWith(prefix + ".");
        }
        default -> c == 0;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int d = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static void check(String where, Map<String, Object> body, Map<String, Object> schema, boolean top,
      List<String> problems) {
    Map<String, Object> arguments = (Map<String, Object>) schema.get("arguments");
    Map<String, Object> blocks = (Map<String, Object>) schema.get("blocks");
    Set<String> present = new TreeSet<>(body.keySet());
    Map<String, Object> dynamic = (Map<String, Object>) body.getOrDefault("dynamic", Map.of());
    present.remove("dynamic");
    present.addAll(dynamic.keySet());
    for (String key : present) {
      if (top && META.contains(key)) {
        continue;
      }
      if (blocks.containsKey(key)) {
        List<Object> bodies = new ArrayList<>();
        if (body.get(key) instanceof List<?> l) {
          bodies.addAll(l);
        }
        if (dynamic.get(key) instanceof List<?> d) {
          for (Object o : d) {
            bodies.addAll((List<Object>) ((Map<String, Object>) o).get("content"));
          }
        }
        for (Object b : bodies) {
          check(where + "." + key, (Map<String, Object>) b, (Map<String, Object>) blocks.get(key), false, problems);
        }
      } else if (!arguments.containsKey(key)) {
        problems.add(where + ": unknown argument or block " + key);
      }
    }
    arguments.forEach((name, spec) -> {
      if (Boolean.TRUE.equals(((Map<String, Object>) spec).get("required")) && !present.contains(name)) {
        problems.add(where + ": required argument " + name + " missing");
      }
    });
    blocks.forEach((name, spec) -> {
      if (Boolean.TRUE.equals(((Map<String, Object>) spec).get("required")) && !present.contains(name)) {
        problems.add(where + ": required block " + name + " missing");
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static void references(String where, Map<String, Object> content, Map<String, Object> schema,
      List<String> problems) {
    String text = Expressions.json(content);
    for (Object[] r : new Object[][] {{RESOURCE_REF, "resource"}, {DATA_REF, "data"}}) {
      Matcher m = ((Pattern) r[0]).matcher(text);
      while (m.find()) {
        Map<String, Object> type = (Map<String, Object>) ((Map<String, Object>) schema.get(r[1])).get(m.group(1));
        if (type == null) {
          problems.add(where + ": reference to " + r[1] + " " + m.group(1) + ", not in the extracted schema");
        } else if (!((List<String>) type.get("attributes")).contains(m.group(3))) {
          problems.add(where + ": " + m.group() + ": " + m.group(1) + " has no attribute " + m.group(3));
        }
      }
    }
  }
}
