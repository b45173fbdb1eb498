package com.fleetstream.terraform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The inputs and outputs tables of each module's README, made from its {@code variables.tf} and
 * {@code outputs.tf} the way terraform-docs lays them out, between its markers; the rest of the README
 * is the module's own. {@code main} rewrites them; {@code ModuleReadmesTest} fails when one is stale.
 *
 * <pre>java -cp terraform-checks/target/classes com.fleetstream.terraform.ModuleDocs terraform/modules</pre>
 */
public final class ModuleDocs {
  public static final String BEGIN = "<!-- BEGIN_TF_DOCS -->";
  public static final String END = "<!-- END_TF_DOCS -->";
  private static final Pattern BLOCK = Pattern.compile("(?ms)^(variable|output) \"([a-z0-9_]+)\" \\{\\n(.*?)^\\}");
  private static final Pattern DESCRIPTION = Pattern.compile("(?m)^  description\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern TYPE = Pattern.compile("(?m)^  type\\s*=\\s*(.+)$");
  private static final Pattern DEFAULT = Pattern.compile("(?m)^  default\\s*=\\s*(.+)$");

  private ModuleDocs() {}

  public static void main(String[] args) throws IOException {
    try (Stream<Path> modules = Files.list(Path.of(args.length > 0 ? args[0] : "terraform/modules"))) {
      for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
        Path readme = module.resolve("README.md");
        Files.writeString(readme, withTables(Files.readString(readme), tables(module)));
        System.out.println("wrote " + readme);
      }
    }
  }

  /** The README with its tables replaced (appended after the text when it has no markers yet). */
  public static String withTables(String readme, String tables) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      return readme.stripTrailing() + "\n\n" + tables;
    }
    return readme.substring(0, begin) + tables + readme.substring(end + END.length() + 1);
  }

  /** The generated part: markers, inputs, outputs. */
  public static String tables(Path module) throws IOException {
    StringBuilder s = new StringBuilder(BEGIN).append("\n## Inputs\n\n")
        .append("| Name | Description | Type | Default | Required |\n|------|-------------|------|---------|:--------:|\n");
    for (String[] v : blocks(Files.readString(module.resolve("variables.tf")), "variable")) {
      s.append("| ").append(v[0]).append(" | ").append(v[1]).append(" | `").append(v[2]).append("` | ")
          .append(v[3] == null ? "n/a" : "`" + v[3] + "`").append(" | ").append(v[3] == null ? "yes" : "no")
          .append(" |\n");
    }
    s.append("\n## Outputs\n\n| Name | Description |\n|------|-------------|\n");
    for (String[] o : blocks(Files.readString(module.resolve("outputs.tf")), "output")) {
      s.append("| ").append(o[0]).append(" | ").append(o[1]).append(" |\n");
    }
    return s.append(END).append('\n').toString();
  }

  /** Per block of {@code kind}: name, description, type, default (null: required). */
  private static List<String[]> blocks(String text, String kind) {
    List<String[]> out = new ArrayList<>();
    Matcher b = BLOCK.matcher(text);
    while (b.find()) {
      if (!b.group(1).equals(kind)) {
        continue;
      }
      String body = b.group(3);
      out.add(new String[] {b.group(2), cell(find(DESCRIPTION, body)), cell(find(TYPE, body)), cell(find(DEFAULT, body))});
    }
    return out;
  }

  private static String find(Pattern p, String body) {
    Matcher m = p.matcher(body);
    return m.find() ? m.group(1).strip() : null;
  }

  private static String cell(String text) {
    return text == null ? null : text.replace("\\\"", "\"").replace("|", "\\|");
  }
}
