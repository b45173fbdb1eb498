package com.fleetstream.crawlers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.GlueClientBuilder;
import software.amazon.awssdk.services.glue.model.Crawler;
import software.amazon.awssdk.services.glue.model.CrawlerMetrics;
import software.amazon.awssdk.services.glue.model.CrawlerRunningException;
import software.amazon.awssdk.services.glue.model.CrawlerState;
import software.amazon.awssdk.services.glue.model.LastCrawlStatus;

/**
 * Starts crawlers (after a combine run) and waits until all have finished, polling with back-off
 * up to a timeout; reports what each crawl changed and fails if one failed or did not finish.
 *
 * <p>{@code java -cp crawlers.jar com.fleetstream.crawlers.CrawlerRunner [--bucket final]
 * [--timeout-seconds 1800] [crawler names...]}; without names, the crawlers over the bucket.
 */
public final class CrawlerRunner {
  /** What one crawl did. */
  public record Report(String crawler, String status, int tablesCreated, int tablesUpdated, int tablesDeleted) {}

  private final GlueClient glue;
  private final Duration firstPoll;
  private final Duration maxPoll;
  private final Clock clock;

  public CrawlerRunner(GlueClient glue, Duration firstPoll, Duration maxPoll, Clock clock) {
    this.glue = glue;
    this.firstPoll = firstPoll;
    this.maxPoll = maxPoll;
    this.clock = clock;
  }

  public static GlueClient client(GlueClientBuilder builder) {
    return builder.httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  public List<Report> run(List<String> crawlers, Duration timeout) throws InterruptedException {
    for (String name : crawlers) {
      try {
        glue.startCrawler(b -> b.name(name));
      } catch (CrawlerRunningException e) {
        // started by someone else (a schedule): wait for that crawl instead
      }
    }
    Instant deadline = clock.instant().plus(timeout);
    Map<String, Crawler> finished = new LinkedHashMap<>();
    Duration poll = firstPoll;
    while (finished.size() < crawlers.size()) {
      for (String name : crawlers) {
        if (!finished.containsKey(name)) {
          Crawler c = glue.getCrawler(b -> b.name(name)).crawler();
          if (c.state() == CrawlerState.READY && c.lastCrawl() != null) {
            finished.put(name, c);
          }
        }
      }
      if (finished.size() == crawlers.size()) {
        break;
      }
      if (clock.instant().isAfter(deadline)) {
        List<String> waiting = new ArrayList<>(crawlers);
        waiting.removeAll(finished.keySet());
        throw new IllegalStateException("crawlers still running after " + timeout + ": " + waiting);
      }
      Thread.sleep(poll.toMillis());
      poll = poll.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : poll.multipliedBy(2);
    }

    Map<String, CrawlerMetrics> metrics = new LinkedHashMap<>();
    glue.getCrawlerMetrics(b -> b.crawlerNameList(crawlers)).crawlerMetricsList()
        .forEach(m -> metrics.put(m.crawlerName(), m));
    List<Report> reports = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (String name : crawlers) {
      Crawler c = finished.get(name);
      CrawlerMetrics m = metrics.get(name);
      reports.add(new Report(name, c.lastCrawl().statusAsString(),
          m == null ? 0 : nullToZero(m.tablesCreated()), m == null ? 0 : nullToZero(m.tablesUpdated()),
          m == null ? 0 : nullToZero(m.tablesDeleted())));
      if (c.lastCrawl().status() != LastCrawlStatus.SUCCEEDED) {
        failed.add(name + ": " + c.lastCrawl().statusAsString() + " " + c.lastCrawl().errorMessage());
      }
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException("crawls failed: " + failed);
    }
    return reports;
  }

  private static int nullToZero(Integer n) {
    return n == null ? 0 : n;
  }

  public static void main(String[] args) throws InterruptedException {
    String bucket = "final";
    Duration timeout = Duration.ofMinutes(30);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bucket" -> bucket = args[++i];
        case "--timeout-seconds" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
        default -> names.add(args[i]);
      }
    }
    if (names.isEmpty()) {
      CrawlerDefinitions.load().over(bucket).forEach(c -> names.add(c.name()));
    }
    try (GlueClient glue = client(GlueClient.builder())) {
      new CrawlerRunner(glue, Duration.ofSeconds(5), Duration.ofSeconds(60), Clock.systemUTC()).run(names, timeout)
          .forEach(r -> System.out.println(r));
    }
  }
}
