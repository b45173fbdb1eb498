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
 * SNS has no open-source server: an HTTP endpoint on loopback that takes SNS Query-API requests from
 * the real SDK, records their parameters and answers as SNS does. It refuses what SNS refuses, with
 * SNS's codes: a topic it was not given ({@code NotFound}, 404), a subject of 100 characters or more,
 * not ASCII or with a control character, and a message over 256 KB or empty ({@code InvalidParameter},
 * 400). Error responses can also be queued with {@link #failNext}.
 */
public final class LoopbackSns implements AutoCloseable {
  /** SNS's limit on a message, in UTF-8 bytes. */
  public static final int MAX_MESSAGE_BYTES = 256 * 1024;
  private final HttpServer server;
  private final java.util.Set<String> topics;
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final Deque<int[]> failures = new ArrayDeque<>();
  private final Deque<String> failureCodes = new ArrayDeque<>();

  /** An endpoint that knows these topics (as CreateTopic would have made them). */
  public LoopbackSns(String... topicArns) {
    topics = java.util.Set.of(topicArns);
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
      String refusal = failure == null ? refusal(params) : null;
      if (failure != null || refusal != null) {
        status = failure != null ? failure[0] : refusal.startsWith("NotFound") ? 404 : 400;
        String message = failure != null ? code + " (loopback)" : refusal.substring(refusal.indexOf(' ') + 1);
        code = failure != null ? code : refusal.substring(0, refusal.indexOf(' '));
        xml = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>"
            + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code + "</Code><Message>" + message
            + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
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

  /** "Code message" for a request SNS would refuse, or null. */
  private String refusal(Map<String, String> params) {
    if (!"Publish".equals(params.get("Action"))) {
      return "InvalidAction The action " + params.get("Action") + " is not valid for this endpoint.";
    }
    String topic = params.get("TopicArn");
    if (topic == null || !topics.contains(topic)) {
      return "NotFound Topic does not exist";
    }
    String subject = params.get("Subject");
    if (subject != null && (subject.isEmpty() || subject.length() >= 100
        || !subject.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
      return "InvalidParameter Invalid parameter: Subject";
    }
    String message = params.get("Message");
    if (message == null || message.isEmpty()) {
      return "InvalidParameter Invalid parameter: Empty message";
    }
    if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
      return "InvalidParameter Invalid parameter: Message too long";
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
