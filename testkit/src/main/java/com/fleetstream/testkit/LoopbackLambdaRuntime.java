package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (2018-06-01) on loopback, as Lambda serves it to a runtime interface client:
 * {@code GET /runtime/invocation/next} blocks until an event is {@link #invoke invoked} and answers
 * with it and the Lambda-Runtime-* headers; {@code POST .../response} and {@code .../error} complete
 * that invocation, {@code POST /runtime/init/error} records a failed start. A SnapStart runtime
 * ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}) ends its init with {@code GET
 * /runtime/restore/next}, where Lambda takes the snapshot; it answers 200 at once, as a restore does,
 * and {@code POST /runtime/restore/error} is recorded with the init errors. An unknown request id
 * gets 400 and a response over 6 MB 413, as Lambda answers them.
 */
public final class LoopbackLambdaRuntime implements AutoCloseable {
  /** Lambda's limit on a synchronous response payload. */
  public static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
  private static final String PREFIX = "/2018-06-01/runtime/";

  /** How an invocation ended: {@code error} holds Lambda-Runtime-Function-Error-Type, or null. */
  public record Outcome(String requestId, String body, String error) {}

  private record Invocation(String requestId, String event, long deadlineMs) {}

  private final HttpServer server;
  private final String functionArn;
  private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
  private final List<String> initErrors = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> initEnded = new CompletableFuture<>();

  public LoopbackLambdaRuntime(String functionArn) {
    this.functionArn = functionArn;
    server = LoopbackHttp.start(this::answer, LoopbackHttp.daemonThreads("loopback-lambda-runtime"));
  }

  /** What AWS_LAMBDA_RUNTIME_API is set to: host and port, no scheme. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public List<String> initErrors() {
    return initErrors;
  }

  /**
   * Waits until the function's init has ended: its runtime asks for the snapshot's restore or the
   * first invocation, or reports an init error. That is where Lambda publishes a SnapStart version
   * (or fails to).
   */
  public void awaitInit(Duration timeout) throws Exception {
    initEnded.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Queues an event and waits for the function's response or error. */
  public Outcome invoke(String event, Duration timeout) throws Exception {
    Invocation inv = new Invocation(UUID.randomUUID().toString(), event,
        System.currentTimeMillis() + timeout.toMillis());
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    pending.put(inv.requestId(), outcome);
    queue.add(inv);
    return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void answer(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      byte[] body = ex.getRequestBody().readAllBytes();
      if (ex.getRequestMethod().equals("GET") && path.equals(PREFIX + "invocation/next")) {
        initEnded.complete(null);
        Invocation inv;
        try {
          inv = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        ex.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", inv.requestId());
        ex.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(inv.deadlineMs()));
        ex.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        ex.getResponseHeaders().add("Lambda-Runtime-Trace-Id",
            "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + inv.requestId().replace("-", "")
                .substring(0, 24) + ";Parent=0000000000000000;Sampled=0");
        ex.getResponseHeaders().add("Content-Type", "application/json");
        send(ex, 200, inv.event());
      } else if (ex.getRequestMethod().equals("GET") && path.equals(PREFIX + "restore/next")) {
        initEnded.complete(null);
        send(ex, 200, "");
      } else if (ex.getRequestMethod().equals("POST") && (path.equals(PREFIX + "init/error")
          || path.equals(PREFIX + "restore/error"))) {
        initErrors.add(new String(body, StandardCharsets.UTF_8));
        initEnded.complete(null);
        send(ex, 202, "{\"status\":\"OK\"}");
      } else if (ex.getRequestMethod().equals("POST") && path.startsWith(PREFIX + "invocation/")) {
        String rest = path.substring((PREFIX + "invocation/").length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String kind = slash < 0 ? "" : rest.substring(slash + 1);
        CompletableFuture<Outcome> outcome = pending.remove(id);
        if (outcome == null || !(kind.equals("response") || kind.equals("error"))) {
          send(ex, 400, "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
        } else if (kind.equals("response") && body.length > MAX_RESPONSE_BYTES) {
          outcome.complete(new Outcome(id, null, "Function.ResponseSizeTooLarge"));
          send(ex, 413, "{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\","
              + "\"errorType\":\"RequestEntityTooLarge\"}");
        } else {
          String error = kind.equals("error")
              ? String.valueOf(ex.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type")) : null;
          outcome.complete(new Outcome(id, new String(body, StandardCharsets.UTF_8), error));
          send(ex, 202, "{\"status\":\"OK\"}");
        }
      } else {
        send(ex, 404, "{\"errorMessage\":\"unknown path " + path + "\"}");
      }
    }
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
