package com.fleetstream.crawlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;

/** The runner with the real SDK client against a loopback endpoint that answers Glue's JSON protocol. */
class CrawlerRunnerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private GlueClient glue;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  /** Per crawler, the answers to GetCrawler, one per call; the last one repeats. */
  private final Map<String, Deque<String>> states = new HashMap<>();
  private final Map<String, String> startErrors = new HashMap<>();
  private final Deque<String> nextErrors = new ArrayDeque<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    glue = CrawlerRunner.client(GlueClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
  }

  @AfterEach
  void stop() {
    glue.close();
    server.stop(0);
  }

  private synchronized void answer(HttpExchange ex) throws IOException {
    String action = ex.getRequestHeaders().getFirst("X-Amz-Target").replace("AWSGlue.", "");
    JsonNode request = JSON.readTree(ex.getRequestBody());
    String name = request.has("Name") ? request.get("Name").asText() : "";
    calls.add(action + " " + name);
    String error = nextErrors.poll();
    if (error == null && action.equals("StartCrawler")) {
      error = startErrors.remove(name);
    }
    if (error != null) {
      reply(ex, 400, "{\"__type\": \"" + error + "\", \"Message\": \"" + error + " (loopback)\"}");
      return;
    }
    switch (action) {
      case "StartCrawler" -> reply(ex, 200, "{}");
      case "GetCrawler" -> {
        Deque<String> queue = states.get(name);
        String state = queue.size() > 1 ? queue.poll() : queue.peek();
        String[] s = state.split(":");
        String lastCrawl = s.length > 1
            ? ", \"LastCrawl\": {\"Status\": \"" + s[1] + "\"" + (s[1].equals("FAILED")
                ? ", \"ErrorMessage\": \"Internal Service Exception\"" : "") + "}" : "";
        reply(ex, 200, "{\"Crawler\": {\"Name\": \"" + name + "\", \"State\": \"" + s[0] + "\"" + lastCrawl + "}}");
      }
      case "GetCrawlerMetrics" -> {
        StringBuilder list = new StringBuilder();
        for (JsonNode n : request.get("CrawlerNameList")) {
          list.append(list.length() == 0 ? "" : ",").append("{\"CrawlerName\": \"").append(n.asText())
              .append("\", \"TablesCreated\": 1, \"TablesUpdated\": 2, \"TablesDeleted\": 0}");
        }
        reply(ex, 200, "{\"CrawlerMetricsList\": [" + list + "]}");
      }
      default -> reply(ex, 400, "{\"__type\": \"InvalidInputException\", \"Message\": \"unexpected " + action + "\"}");
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private CrawlerRunner runner() {
    return new CrawlerRunner(glue, Duration.ofMillis(10), Duration.ofMillis(40), Clock.systemUTC());
  }

  @Test
  void startsWaitsAndReports() throws Exception {
    states.put("a", new ArrayDeque<>(List.of("RUNNING", "RUNNING", "STOPPING", "READY:SUCCEEDED")));
    states.put("b", new ArrayDeque<>(List.of("RUNNING", "READY:SUCCEEDED")));
    startErrors.put("b", "CrawlerRunningException"); // already running: waited for, not an error

    assertThat(runner().run(List.of("a", "b"), Duration.ofSeconds(30))).containsExactly(
        new CrawlerRunner.Report("a", "SUCCEEDED", 1, 2, 0), new CrawlerRunner.Report("b", "SUCCEEDED", 1, 2, 0));
    assertThat(calls).startsWith("StartCrawler a", "StartCrawler b").endsWith("GetCrawlerMetrics ");
    assertThat(calls.stream().filter(c -> c.equals("GetCrawler a")).count()).isEqualTo(4);
  }

  @Test
  void throttlingIsRetriedByTheClient() throws Exception {
    states.put("a", new ArrayDeque<>(List.of("READY:SUCCEEDED")));
    nextErrors.add("ThrottlingException");
    assertThat(runner().run(List.of("a"), Duration.ofSeconds(30))).hasSize(1);
    assertThat(calls).startsWith("StartCrawler a", "StartCrawler a");
  }

  @Test
  void aFailedCrawlFailsTheRun() {
    states.put("a", new ArrayDeque<>(List.of("RUNNING", "READY:FAILED")));
    assertThatThrownBy(() -> runner().run(List.of("a"), Duration.ofSeconds(30)))
        .hasMessage("crawls failed: [a: FAILED Internal Service Exception]");
  }

  @Test
  void aCrawlThatDoesNotFinishTimesOut() {
    states.put("a", new ArrayDeque<>(List.of("RUNNING")));
    assertThatThrownBy(() -> runner().run(List.of("a"), Duration.ofMillis(200)))
        .hasMessageStartingWith("crawlers still running after PT0.2S: [a]");
  }
}
