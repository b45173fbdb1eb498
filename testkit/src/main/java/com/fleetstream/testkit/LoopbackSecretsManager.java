package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets Manager has no open-source server: a loopback endpoint speaking its JSON 1.1 protocol
 * ({@code X-Amz-Target: secretsmanager.GetSecretValue}) to the real SDK. A secret is found by its
 * ARN or name; anything else gets Secrets Manager's {@code ResourceNotFoundException}, and an
 * operation it does not implement gets {@code UnknownOperationException}, both with status 400.
 */
public final class LoopbackSecretsManager implements AutoCloseable {
  private static final Pattern SECRET_ID = Pattern.compile("\"SecretId\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private final HttpServer server;
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();

  public LoopbackSecretsManager() {
    server = LoopbackHttp.start(this::answer, LoopbackHttp.daemonThreads("loopback-secretsmanager"));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Stores (or rotates) a secret's string under its ARN; its name is the ARN's last part, less the suffix. */
  public void put(String arn, String secretString) {
    secrets.put(arn, secretString);
    String name = arn.substring(arn.indexOf(":secret:") + ":secret:".length());
    names.put(name.replaceFirst("-[A-Za-z0-9]{6}$", ""), arn);
  }

  /** The SecretId of every GetSecretValue, in order. */
  public List<String> requested() {
    return requested;
  }

  private void answer(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    int status;
    String json;
    if (!"secretsmanager.GetSecretValue".equals(target)) {
      status = 400;
      json = error("UnknownOperationException", "the loopback stand-in implements GetSecretValue only, not " + target);
    } else {
      Matcher m = SECRET_ID.matcher(body);
      String id = m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
      requested.add(String.valueOf(id));
      String arn = id == null ? null : secrets.containsKey(id) ? id : names.get(id);
      if (arn == null) {
        status = 400;
        json = error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      } else {
        status = 200;
        String name = arn.substring(arn.indexOf(":secret:") + 8).replaceFirst("-[A-Za-z0-9]{6}$", "");
        json = "{\"ARN\":" + quote(arn) + ",\"Name\":" + quote(name) + ",\"SecretString\":" + quote(secrets.get(arn))
            + ",\"VersionId\":\"" + UUID.nameUUIDFromBytes(secrets.get(arn).getBytes(StandardCharsets.UTF_8))
            + "\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":" + (System.currentTimeMillis() / 1000.0) + "}";
      }
    }
    byte[] out = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  private static String error(String type, String message) {
    return "{\"__type\":" + quote(type) + ",\"Message\":" + quote(message) + "}";
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
