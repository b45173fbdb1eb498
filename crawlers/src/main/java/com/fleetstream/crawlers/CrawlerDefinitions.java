package com.fleetstream.crawlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code crawlers/crawlers.json}: the crawlers, their databases and tables; also read by Terraform. */
public record CrawlerDefinitions(Map<String, String> databases, List<Crawler> crawlers) {
  public static final String RESOURCE = "crawlers/crawlers.json";

  /** One crawler, one table root. {@code bucket} is logical: "curated" or "final". */
  public record Crawler(String name, String database, String table, String format, String bucket, String path) {}

  public static CrawlerDefinitions load() {
    try (InputStream in = CrawlerDefinitions.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, String> databases = new TreeMap<>();
      root.get("databases").fields().forEachRemaining(e -> databases.put(e.getKey(), e.getValue().asText()));
      List<Crawler> crawlers = new ArrayList<>();
      for (JsonNode c : root.get("crawlers")) {
        String database = databases.get(c.get("database").asText());
        if (database == null) {
          throw new IllegalStateException("crawler " + c.get("name") + " names an unknown database");
        }
        crawlers.add(new Crawler(c.get("name").asText(), database, c.get("table").asText(), c.get("format").asText(),
            c.get("bucket").asText(), c.get("path").asText()));
      }
      return new CrawlerDefinitions(Map.copyOf(databases), List.copyOf(crawlers));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The crawlers over one logical bucket, e.g. "final" after a combine run. */
  public List<Crawler> over(String bucket) {
    return crawlers.stream().filter(c -> c.bucket().equals(bucket)).toList();
  }
}
