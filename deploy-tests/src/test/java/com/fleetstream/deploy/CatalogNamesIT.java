package com.fleetstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import com.fleetstream.testkit.ProjectPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tables the planned Glue crawlers would create, by the rule AWS documents for crawlers: a table
 * is named after the folder of its include path (for a Delta target, the Delta table's folder), in
 * lower case, after the crawler's {@code table_prefix}. Athena's SQL in {@code sql/athena/} must find
 * every table it names there, and no two crawlers may make the same table.
 */
class CatalogNamesIT {
  private static final Pattern TABLE_REFERENCE = Pattern.compile("\\b(fleetstream_[a-z_]+)\\.([a-z_]+)\\b");

  @SuppressWarnings("unchecked")
  static Map<String, List<String>> plannedTables(String env) {
    Terraform.Module glue = Terraform.environment(env, Terraform.Cloud.TEST).child("glue");
    Map<String, List<String>> tables = new TreeMap<>();
    glue.resource("aws_glue_crawler", "this").forEach((name, crawler) -> {
      String database = Expressions.string(crawler.argument("database_name"));
      Object prefix = crawler.argument("table_prefix");
      List<String> roots = new ArrayList<>();
      for (Object t : (List<Object>) crawler.argument("s3_target")) {
        roots.add((String) ((Map<String, Object>) t).get("path"));
      }
      for (Object t : (List<Object>) crawler.argument("delta_target")) {
        roots.addAll((List<String>) ((Map<String, Object>) t).get("delta_tables"));
      }
      for (String root : roots) {
        String folder = root.replaceAll("/+$", "");
        folder = folder.substring(folder.lastIndexOf('/') + 1);
        String table = ((prefix == null ? "" : Expressions.string(prefix)) + folder).toLowerCase();
        tables.computeIfAbsent(database + "." + table, k -> new ArrayList<>()).add(name);
      }
    });
    return tables;
  }

  @Test
  void everyTableAthenaQueriesIsOneACrawlerMakesAndNoTwoCrawlersMakeTheSame() throws IOException {
    for (String env : List.of("dev", "staging", "prod")) {
      Map<String, List<String>> tables = plannedTables(env);
      assertThat(tables).as(env + ": tables made by more than one crawler")
          .allSatisfy((table, crawlers) -> assertThat(crawlers).as(table).hasSize(1));

      TreeSet<String> referenced = new TreeSet<>();
      try (Stream<Path> files = Files.walk(ProjectPaths.root().resolve("sql/athena"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
          Matcher m = TABLE_REFERENCE.matcher(Files.readString(f));
          while (m.find()) {
            referenced.add(m.group(1) + "." + m.group(2));
          }
        }
      }
      assertThat(referenced).isNotEmpty();
      assertThat(tables.keySet()).as(env + ": the crawlers' tables").containsAll(referenced);
    }
  }
}
