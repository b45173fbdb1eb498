package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one fake allowed: an HTTP endpoint on loopback that takes SNS Query-API requests from the real
 * SDK, records their parameters and answers as SNS does, including the error responses queued with
 * {@link #failNext}.
 */
public final class LoopbackSns implements AutoCloseable {
  private final HttpServer server;
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final Deque<int[]> failures = new ArrayDeque<>();
  private final Deque<String> failureCodes = new ArrayDeque<>();

  public LoopbackSns() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::answer);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Map<String, String>> requests() {
    return requests;
  }

  /** The next {@code times} requests get this HTTP status and SNS error code (e.g. 400 Throttling). */
  public synchronized void failNext(int times, int status, String code) {
    for (int i = 0; i < times; i++) {
      failures.add(new int[] {status});
      failureCodes.add(code);
    }
  }

  public synchronized void reset() {
    requests.clear();
    failures.clear();
    failureCodes.clear();
  }

  private void answer(HttpExchange exchange) throws IOException {
    Map<String, String> params = new LinkedHashMap<>();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    requests.add(params);
    int status;
    String xml;
    String requestId = UUID.randomUUID().toString();
    synchronized (this) {
      int[] failure = failures.poll();
      String code = failureCodes.poll();
      if (failure != null) {
        status = failure[0];
        xml = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>"
            + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code + "</Code><Message>" + code
            + " (loopback)</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
      } else {
        status = 200;
        xml = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
            + "msg-" + requests.size() + "</MessageId></PublishResult><ResponseMetadata><RequestId>" + requestId
            + "</RequestId></ResponseMetadata></PublishResponse>";
      }
    }
    byte[] out = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml");
    exchange.getResponseHeaders().add("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
