package com.fleetstream.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sits between the SDK and kinesalite (which never throttles) and makes PutRecords fail the ways
 * Kinesis does, one scripted fault per call: some entries refused with
 * ProvisionedThroughputExceededException, the whole call throttled, or the connection dropped as
 * while the service restarts. Everything else is passed through unchanged. The SDK must speak JSON
 * (aws.cborEnabled=false) for the proxy to read the calls.
 */
final class KinesisFaultProxy implements AutoCloseable {
  enum Fault { NONE, THROTTLE_EVERY_THIRD_ENTRY, THROTTLE_CALL, DROP_CONNECTION }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FORWARDED = List.of("Content-Type", "X-Amz-Target", "X-Amz-Date", "Authorization");

  private final URI target;
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Deque<Fault> script = new ArrayDeque<>();
  final AtomicInteger throttledEntries = new AtomicInteger();
  final AtomicInteger throttledCalls = new AtomicInteger();
  final AtomicInteger droppedCalls = new AtomicInteger();

  KinesisFaultProxy(URI target) {
    this.target = target;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The faults the next PutRecords calls meet, one each, in order. */
  synchronized void script(Fault... faults) {
    script.addAll(List.of(faults));
  }

  private synchronized Fault next(String operation) {
    return operation.endsWith(".PutRecords") && !script.isEmpty() ? script.poll() : Fault.NONE;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String operation = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
    try {
      switch (next(operation)) {
        case DROP_CONNECTION -> {
          droppedCalls.incrementAndGet();
          exchange.close(); // no response at all
        }
        case THROTTLE_CALL -> {
          throttledCalls.incrementAndGet();
          respond(exchange, 400, ("{\"__type\":\"ProvisionedThroughputExceededException\","
              + "\"message\":\"Rate exceeded for stream (fault proxy)\"}").getBytes(StandardCharsets.UTF_8));
        }
        case THROTTLE_EVERY_THIRD_ENTRY -> throttleEntries(exchange, body);
        case NONE -> {
          HttpResponse<byte[]> response = forward(exchange, body);
          respond(exchange, response.statusCode(), response.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    }
  }

  /** Sends every entry but each third to kinesalite; answers as Kinesis does for a partly failed call. */
  private void throttleEntries(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
    ObjectNode request = (ObjectNode) JSON.readTree(body);
    ArrayNode all = (ArrayNode) request.get("Records");
    ArrayNode passed = JSON.createArrayNode();
    for (int i = 0; i < all.size(); i++) {
      if (i % 3 != 0) {
        passed.add(all.get(i));
      }
    }
    request.set("Records", passed);
    ArrayNode accepted = JSON.createArrayNode();
    if (!passed.isEmpty()) {
      HttpResponse<byte[]> response = forward(exchange, JSON.writeValueAsBytes(request));
      if (response.statusCode() != 200) {
        respond(exchange, response.statusCode(), response.body());
        return;
      }
      accepted = (ArrayNode) JSON.readTree(response.body()).get("Records");
    }
    ArrayNode results = JSON.createArrayNode();
    int failed = 0;
    for (int i = 0, a = 0; i < all.size(); i++) {
      if (i % 3 == 0) {
        failed++;
        results.addObject().put("ErrorCode", "ProvisionedThroughputExceededException")
            .put("ErrorMessage", "Rate exceeded for shard (fault proxy)");
      } else {
        results.add(accepted.get(a++));
      }
    }
    throttledEntries.addAndGet(failed);
    ObjectNode answer = JSON.createObjectNode().put("FailedRecordCount", failed);
    answer.set("Records", results);
    respond(exchange, 200, JSON.writeValueAsBytes(answer));
  }

  private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getPath()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : FORWARDED) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
