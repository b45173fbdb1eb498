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

  /** The tables the SQL in sql/athena/ names, as database.table. */
  static TreeSet<String> athenaTables() throws IOException {
    TreeSet<String> referenced = new TreeSet<>();
    try (Stream<Path> files = Files.walk(ProjectPaths.root().resolve("sql/athena"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
        Matcher m = TABLE_REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          referenced.add(m.group(1) + "." + m.group(2));
        }
      }
    }
    return referenced;
  }

  @Test
  void everyTableAthenaQueriesIsOneACrawlerMakesAndNoTwoCrawlersMakeTheSame() throws IOException {
    TreeSet<String> referenced = athenaTables();
    assertThat(referenced).isNotEmpty();
    for (String env : List.of("dev", "staging", "prod")) {
      Map<String, List<String>> tables = plannedTables(env);
      assertThat(tables).as(env + ": tables made by more than one crawler")
          .allSatisfy((table, crawlers) -> assertThat(crawlers).as(table).hasSize(1));
      assertThat(tables.keySet()).as(env + ": the crawlers' tables").containsAll(referenced);
    }
  }

  /**
   * A crawler nothing runs makes no table (https://docs.aws.amazon.com/glue/latest/dg/schedule-crawler.html):
   * each crawler of a table Athena's SQL names has a cron schedule, or a Glue trigger starts it.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyCrawlerOfATableAthenaQueriesIsRunBySomething() throws IOException {
    TreeSet<String> referenced = athenaTables();
    for (String env : List.of("dev", "staging", "prod")) {
      Terraform.Module glue = Terraform.environment(env, Terraform.Cloud.TEST).child("glue");
      TreeSet<String> triggered = new TreeSet<>();
      glue.resources("aws_glue_trigger").values().forEach(byKey -> byKey.values().forEach(trigger -> {
        for (Object action : (List<Object>) trigger.argument("actions")) {
          Object crawler = ((Map<String, Object>) action).get("crawler_name");
          if (crawler != null) {
            triggered.add(Expressions.string(crawler));
          }
        }
      }));
      Map<String, Terraform.Instance> crawlers = glue.resource("aws_glue_crawler", "this");
      Map<String, List<String>> tables = plannedTables(env);
      for (String table : referenced) {
        for (String key : tables.get(table)) {
          Terraform.Instance crawler = crawlers.get(key);
          Object schedule = crawler.argument("schedule");
          assertThat(triggered.contains(Expressions.string(crawler.get("name")))
              || schedule != null && Expressions.string(schedule).matches("cron\\([^)]+\\)"))
              .as(env + ": something runs " + key + ", the crawler of " + table).isTrue();
        }
      }
    }
    Terraform.Module wrong = Terraform.environment("dev", Terraform.Cloud.TEST, Map.of("crawler_schedule", "daily"));
    assertThat(wrong.validations()).containsValue(false);
  }
}
