package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * CloudWatch has no open-source server: an HTTP endpoint on loopback that takes PutMetricData in
 * the Query protocol from the real SDK (gzip-compressed bodies too, as the SDK sends large ones),
 * records each value and answers as CloudWatch does. It refuses what CloudWatch refuses, with its
 * codes: a missing namespace or one starting with {@code AWS/}, more than 1,000 values or 30
 * dimensions, a missing metric name or value, a value that is not finite, a unit CloudWatch does not
 * know, a timestamp over two weeks old or over two hours ahead ({@code InvalidParameterValue} /
 * {@code MissingParameter}, 400), and a body over 1 MB ({@code RequestEntityTooLarge}, 413).
 */
public final class LoopbackCloudWatch implements AutoCloseable {
  public static final int MAX_DATA_PER_CALL = 1000;
  private static final int MAX_DIMENSIONS = 30;
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
      "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
      "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
      "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
      "None");

  /** One recorded value: its call's namespace, and who signed the call (the access key, or "" unsigned). */
  public record Datum(String namespace, String name, Map<String, String> dimensions, double value, String unit,
      Instant at, String accessKey) {}

  private final HttpServer server;
  private final List<Datum> data = new CopyOnWriteArrayList<>();
  private final List<String> refusals = new CopyOnWriteArrayList<>();

  public LoopbackCloudWatch() {
    server = LoopbackHttp.start(this::answer, LoopbackHttp.daemonThreads("loopback-cloudwatch"));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every value accepted, in the order they came. */
  public List<Datum> data() {
    return data;
  }

  /** What was refused, as "Code: message". */
  public List<String> refusals() {
    return refusals;
  }

  private void answer(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString();
    byte[] raw;
    try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
        ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
      raw = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    String[] refusal;
    List<Datum> accepted = new ArrayList<>();
    if (raw.length > MAX_BODY_BYTES) {
      refusal = new String[] {"413", "RequestEntityTooLarge", "Request size " + raw.length + " exceeded 1048576 bytes"};
    } else {
      refusal = check(LoopbackHttp.formParams(new String(raw, StandardCharsets.UTF_8)), accessKey(exchange), accepted);
    }
    int status;
    String xml;
    if (refusal != null) {
      refusals.add(refusal[1] + ": " + refusal[2]);
      status = Integer.parseInt(refusal[0]);
      xml = "<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><Error><Type>Sender</Type><Code>"
          + refusal[1] + "</Code><Message>" + refusal[2] + "</Message></Error><RequestId>" + requestId
          + "</RequestId></ErrorResponse>";
    } else {
      data.addAll(accepted);
      status = 200;
      xml = "<PutMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><ResponseMetadata>"
          + "<RequestId>" + requestId + "</RequestId></ResponseMetadata></PutMetricDataResponse>";
    }
    LoopbackHttp.answerXml(exchange, status, requestId, xml);
  }

  /** The access key id of a SigV4 Authorization header, or "" for an unsigned call. */
  private static String accessKey(HttpExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    int at = auth == null ? -1 : auth.indexOf("Credential=");
    return at < 0 ? "" : auth.substring(at + "Credential=".length(), auth.indexOf('/', at));
  }

  /** @return null and the call's values in {@code accepted}, or the refusal: status, code, message */
  private static String[] check(Map<String, String> p, String accessKey, List<Datum> accepted) {
    if (!"PutMetricData".equals(p.get("Action"))) {
      return new String[] {"400", "InvalidAction", "The action " + p.get("Action") + " is not valid for this endpoint."};
    }
    String namespace = p.get("Namespace");
    if (namespace == null || namespace.isEmpty()) {
      return missing("Namespace");
    }
    if (namespace.startsWith("AWS/") || !namespace.matches("[A-Za-z0-9.\\-_/#:]{1,255}")) {
      return invalid("The value " + namespace + " for parameter Namespace is invalid.");
    }
    Map<Integer, Map<String, String>> members = new TreeMap<>();
    p.forEach((key, value) -> {
      if (key.startsWith("MetricData.member.")) {
        String rest = key.substring("MetricData.member.".length());
        int dot = rest.indexOf('.');
        members.computeIfAbsent(Integer.parseInt(rest.substring(0, dot)), i -> new LinkedHashMap<>())
            .put(rest.substring(dot + 1), value);
      }
    });
    if (members.isEmpty()) {
      return missing("MetricData");
    }
    if (members.size() > MAX_DATA_PER_CALL) {
      return invalid("The collection MetricData must not have a size greater than 1000.");
    }
    Instant now = Instant.now();
    for (var m : members.entrySet()) {
      Map<String, String> f = m.getValue();
      String where = "MetricData.member." + m.getKey();
      if (f.get("MetricName") == null) {
        return missing(where + ".MetricName");
      }
      if (f.get("Value") == null && f.get("Values.member.1") == null && f.get("StatisticValues.Sum") == null) {
        return missing(where + ".Value");
      }
      double value = f.get("Value") == null ? Double.NaN : Double.parseDouble(f.get("Value"));
      if (f.get("Value") != null && !Double.isFinite(value)) {
        return invalid("The value " + f.get("Value") + " for parameter " + where + ".Value is invalid.");
      }
      String unit = f.getOrDefault("Unit", "None");
      if (!UNITS.contains(unit)) {
        return invalid("The parameter " + where + ".Unit must be a value in the set " + UNITS + ".");
      }
      Map<String, String> dimensions = new LinkedHashMap<>();
      for (int d = 1; f.containsKey("Dimensions.member." + d + ".Name"); d++) {
        dimensions.put(f.get("Dimensions.member." + d + ".Name"), f.get("Dimensions.member." + d + ".Value"));
      }
      if (dimensions.size() > MAX_DIMENSIONS) {
        return invalid("The collection " + where + ".Dimensions must not have a size greater than 30.");
      }
      Instant at = f.get("Timestamp") == null ? now : Instant.parse(f.get("Timestamp"));
      if (at.isBefore(now.minus(Duration.ofDays(14))) || at.isAfter(now.plus(Duration.ofHours(2)))) {
        return invalid("The parameter " + where + ".Timestamp must specify a time no more than two weeks in the past"
            + " and no more than two hours in the future.");
      }
      accepted.add(new Datum(namespace, f.get("MetricName"), dimensions, value, unit, at, accessKey));
    }
    return null;
  }

  private static String[] invalid(String message) {
    return new String[] {"400", "InvalidParameterValue", message};
  }

  private static String[] missing(String parameter) {
    return new String[] {"400", "MissingParameter", "The parameter " + parameter + " is required."};
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
