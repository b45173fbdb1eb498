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
 * ({@code X-Amz-Target: secretsmanager.GetSecretValue}, {@code PutSecretValue}) to the real SDK. A
 * secret is found by its ARN or name; anything else, or a secret made without a value (as Terraform's
 * {@code aws_secretsmanager_secret} makes one), gets Secrets Manager's {@code ResourceNotFoundException};
 * a value over 65,536 bytes {@code InvalidParameterException}; an operation it does not implement
 * {@code UnknownOperationException}; all with status 400.
 */
public final class LoopbackSecretsManager implements AutoCloseable {
  private static final Pattern SECRET_ID = Pattern.compile("\"SecretId\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern SECRET_STRING =
      Pattern.compile("\"SecretString\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
  private static final int MAX_SECRET_BYTES = 65_536;

  /** One call: the operation, the SecretId it named and the access key id it was signed with (null: unsigned). */
  public record Request(String operation, String secretId, String principal) {}

  private final HttpServer server;
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();

  public LoopbackSecretsManager() {
    server = LoopbackHttp.start(this::answer, LoopbackHttp.daemonThreads("loopback-secretsmanager"));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Stores (or rotates) a secret's string under its ARN; its name is the ARN's last part, less the suffix. */
  public void put(String arn, String secretString) {
    declare(arn);
    secrets.put(arn, secretString);
  }

  /** Makes a secret without a value: GetSecretValue finds none until a PutSecretValue gives one. */
  public void declare(String arn) {
    String name = arn.substring(arn.indexOf(":secret:") + ":secret:".length());
    names.put(name.replaceFirst("-[A-Za-z0-9]{6}$", ""), arn);
  }

  /** The current value of a secret, or null. */
  public String value(String arn) {
    return secrets.get(arn);
  }

  /** The next call of {@code operation} is answered with Secrets Manager's error {@code code} (status 400). */
  public void failNext(String operation, String code) {
    failures.put(operation, code);
  }

  /** Every call, in order. */
  public List<Request> requests() {
    return requests;
  }

  /** The SecretId of every GetSecretValue, in order. */
  public List<String> requested() {
    return requested;
  }

  private void answer(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
    Matcher m = SECRET_ID.matcher(body);
    String id = m.find() ? unescape(m.group(1)) : null;
    String operation = target == null ? "?" : target.substring(target.indexOf('.') + 1);
    requests.add(new Request(operation, id, credential.find() ? credential.group(1) : null));
    String arn = id == null ? null : names.containsValue(id) ? id : names.get(id);
    int status = 400;
    String json;
    String failure = failures.remove(operation);
    if (failure != null) {
      json = error(failure, "injected by the test");
    } else if (!"secretsmanager.GetSecretValue".equals(target) && !"secretsmanager.PutSecretValue".equals(target)) {
      json = error("UnknownOperationException", "the loopback stand-in implements GetSecretValue and PutSecretValue"
          + " only, not " + target);
    } else if (operation.equals("GetSecretValue")) {
      requested.add(String.valueOf(id));
      if (arn == null || !secrets.containsKey(arn)) {
        json = error("ResourceNotFoundException", arn == null ? "Secrets Manager can't find the specified secret."
            : "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
      } else {
        status = 200;
        json = "{\"ARN\":" + quote(arn) + ",\"Name\":" + quote(name(arn)) + ",\"SecretString\":"
            + quote(secrets.get(arn)) + ",\"VersionId\":\"" + version(arn)
            + "\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":" + (System.currentTimeMillis() / 1000.0) + "}";
      }
    } else {
      Matcher v = SECRET_STRING.matcher(body);
      if (arn == null) {
        json = error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      } else if (!v.find()) {
        json = error("InvalidParameterException", "You must provide either SecretString or SecretBinary.");
      } else if (unescape(v.group(1)).getBytes(StandardCharsets.UTF_8).length > MAX_SECRET_BYTES) {
        json = error("InvalidParameterException", "SecretString is longer than 65536 bytes.");
      } else {
        secrets.put(arn, unescape(v.group(1)));
        status = 200;
        json = "{\"ARN\":" + quote(arn) + ",\"Name\":" + quote(name(arn)) + ",\"VersionId\":\"" + version(arn)
            + "\",\"VersionStages\":[\"AWSCURRENT\"]}";
      }
    }
    byte[] out = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  private static String name(String arn) {
    return arn.substring(arn.indexOf(":secret:") + 8).replaceFirst("-[A-Za-z0-9]{6}$", "");
  }

  private String version(String arn) {
    return UUID.nameUUIDFromBytes(secrets.get(arn).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** JSON string escapes as the SDK writes them. */
  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        b.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> b.append(n);
      }
    }
    return b.toString();
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
