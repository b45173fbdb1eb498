package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final Set<String> topics;
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final Deque<int[]> failures = new ArrayDeque<>();
  private final Deque<String> failureCodes = new ArrayDeque<>();
  private Runnable beforeNextAcceptance;

  /** An endpoint that knows these topics (as CreateTopic would have made them). */
  public LoopbackSns(String... topicArns) {
    topics = Set.of(topicArns);
    server = LoopbackHttp.start(this::answer, LoopbackHttp.daemonThreads("loopback-sns"));
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

  /**
   * Runs {@code action} once, when the next message is accepted, before SNS's answer goes back: what
   * happens to the sender between SNS taking a message and hearing that it did.
   */
  public synchronized void beforeNextAcceptance(Runnable action) {
    beforeNextAcceptance = action;
  }

  public synchronized void reset() {
    beforeNextAcceptance = null;
    requests.clear();
    failures.clear();
    failureCodes.clear();
  }

  private void answer(HttpExchange exchange) throws IOException {
    Map<String, String> params = LoopbackHttp.formParams(
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    requests.add(params);
    int status;
    String xml;
    String requestId = UUID.randomUUID().toString();
    synchronized (this) {
      int[] failure = failures.poll();
      String code = failureCodes.poll();
      Refusal refusal = failure != null ? new Refusal(failure[0], code, code + " (loopback)") : refusal(params);
      if (refusal != null) {
        status = refusal.status();
        xml = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>"
            + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + refusal.code() + "</Code><Message>"
            + refusal.message() + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
      } else {
        if (beforeNextAcceptance != null) {
          beforeNextAcceptance.run();
          beforeNextAcceptance = null;
        }
        status = 200;
        xml = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
            + "msg-" + requests.size() + "</MessageId></PublishResult><ResponseMetadata><RequestId>" + requestId
            + "</RequestId></ResponseMetadata></PublishResponse>";
      }
    }
    LoopbackHttp.answerXml(exchange, status, requestId, xml);
  }

  /** An error answer: HTTP status, SNS error code and message. */
  private record Refusal(int status, String code, String message) {
    static Refusal invalid(String message) {
      return new Refusal(400, "InvalidParameter", message);
    }
  }

  /** What SNS would answer a request it refuses, or null. */
  private Refusal refusal(Map<String, String> params) {
    if (!"Publish".equals(params.get("Action"))) {
      return new Refusal(400, "InvalidAction",
          "The action " + params.get("Action") + " is not valid for this endpoint.");
    }
    String topic = params.get("TopicArn");
    if (topic == null || !topics.contains(topic)) {
      return new Refusal(404, "NotFound", "Topic does not exist");
    }
    String subject = params.get("Subject");
    if (subject != null && (subject.isEmpty() || subject.length() >= 100
        || !subject.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
      return Refusal.invalid("Invalid parameter: Subject");
    }
    String message = params.get("Message");
    if (message == null || message.isEmpty()) {
      return Refusal.invalid("Invalid parameter: Empty message");
    }
    if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
      return Refusal.invalid("Invalid parameter: Message too long");
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
