package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of a local AWS stand-in (kinesalite, the S3 server) that records
 * every call passing through it as AWS would authorize it: service, operation and the resource named
 * on the wire. Whatever SDK made the call (ours relocated in the Glue jar, Glue's own under S3A, the
 * Lambda's) it is seen the same way, which is what an IAM check needs.
 */
public final class AwsWireRecorder implements AutoCloseable {
  /**
   * One call: {@code resource} is a stream name (kinesis) or {@code bucket} / {@code bucket/key} (s3);
   * {@code principal} the access key id it was signed with (the deployments give each role's runs a
   * key named after the role), or null for an unsigned call.
   */
  public record Call(String service, String operation, String resource, String principal) {}

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
      "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "date");
  private static final Pattern STREAM = Pattern.compile("\"Stream(?:Name|ARN)\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern ITERATOR = Pattern.compile("\"(?:Next)?ShardIterator\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern DELETE_KEY = Pattern.compile("<Key>([^<]*)</Key>");
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  private final String service;
  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient client;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Kinesis: GetRecords names no stream, only an iterator that an earlier answer handed out. */
  private final Map<String, String> iteratorStreams = new ConcurrentHashMap<>();

  private AwsWireRecorder(String service, URI target) {
    this.service = service;
    this.target = target;
    threads = LoopbackHttp.daemonThreads("aws-wire-" + service);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
        .connectTimeout(Duration.ofSeconds(10)).build();
    server = LoopbackHttp.start(this::forward, threads);
  }

  public static AwsWireRecorder kinesis(URI target) {
    return new AwsWireRecorder("kinesis", target);
  }

  public static AwsWireRecorder s3(URI target) {
    return new AwsWireRecorder("s3", target);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Call> calls() {
    return calls;
  }

  private void forward(HttpExchange in) throws IOException {
    try (in) {
      byte[] body = in.getRequestBody().readAllBytes();
      URI uri = URI.create(target.toString().replaceAll("/$", "") + in.getRequestURI().getRawPath()
          + (in.getRequestURI().getRawQuery() == null ? "" : "?" + in.getRequestURI().getRawQuery()));
      HttpRequest.Builder out = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
          .method(in.getRequestMethod(), body.length == 0 && !in.getRequestMethod().equals("PUT")
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      in.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase())) {
          values.forEach(v -> out.header(name, v));
        }
      });
      HttpResponse<byte[]> answer;
      try {
        answer = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      record(in, body, answer);
      answer.headers().map().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase()) || name.equalsIgnoreCase("content-length")
            && in.getRequestMethod().equals("HEAD")) {
          values.forEach(v -> in.getResponseHeaders().add(name, v));
        }
      });
      byte[] payload = answer.body();
      boolean noBody = in.getRequestMethod().equals("HEAD") || answer.statusCode() == 204 || answer.statusCode() == 304;
      in.sendResponseHeaders(answer.statusCode(), noBody ? -1 : payload.length == 0 ? -1 : payload.length);
      if (!noBody && payload.length > 0) {
        in.getResponseBody().write(payload);
      }
    }
  }

  private void record(HttpExchange in, byte[] body, HttpResponse<byte[]> answer) {
    String authorization = in.getRequestHeaders().getFirst("Authorization");
    Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
    String principal = credential.find() ? credential.group(1) : null;
    List<Call> calls = new java.util.ArrayList<>();
    record(in, body, answer, calls, principal);
    this.calls.addAll(calls);
  }

  private void record(HttpExchange in, byte[] body, HttpResponse<byte[]> answer, List<Call> calls,
      String principal) {
    if (service.equals("kinesis")) {
      String target = in.getRequestHeaders().getFirst("X-Amz-Target");
      String operation = target == null ? "?" : target.substring(target.indexOf('.') + 1);
      String request = new String(body, StandardCharsets.UTF_8);
      Matcher s = STREAM.matcher(request);
      String stream = s.find() ? streamName(s.group(1)) : null;
      if (stream == null) {
        Matcher it = ITERATOR.matcher(request);
        stream = it.find() ? iteratorStreams.get(it.group(1)) : null;
      }
      if (stream != null) {
        Matcher it = ITERATOR.matcher(new String(answer.body(), StandardCharsets.UTF_8));
        while (it.find()) {
          iteratorStreams.put(it.group(1), stream);
        }
      }
      calls.add(new Call(service, operation, stream, principal));
      return;
    }
    String path = URLDecoder.decode(in.getRequestURI().getRawPath(), StandardCharsets.UTF_8).replaceFirst("^/", "");
    Map<String, String> query = new TreeMap<>();
    String raw = in.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    int slash = path.indexOf('/');
    String bucket = slash < 0 ? path : path.substring(0, slash);
    boolean object = slash >= 0 && slash < path.length() - 1;
    String method = in.getRequestMethod();
    String copySource = in.getRequestHeaders().getFirst("x-amz-copy-source");
    if (copySource != null) {
      calls.add(new Call(service, "CopyObject(source)",
          URLDecoder.decode(copySource, StandardCharsets.UTF_8).replaceFirst("^/", "").replaceFirst("\\?.*$", ""),
          principal));
    }
    if (bucket.isEmpty()) {
      calls.add(new Call(service, "ListBuckets", null, principal));
    } else if (!object) {
      String operation = switch (method) {
        case "HEAD" -> "HeadBucket";
        case "PUT" -> "CreateBucket";
        case "DELETE" -> "DeleteBucket";
        case "POST" -> query.containsKey("delete") ? "DeleteObjects" : "PostBucket";
        default -> query.containsKey("location") ? "GetBucketLocation"
            : query.containsKey("uploads") ? "ListMultipartUploads"
            : query.containsKey("versioning") ? "GetBucketVersioning" : "ListObjects";
      };
      if (operation.equals("DeleteObjects")) {
        Matcher k = DELETE_KEY.matcher(new String(body, StandardCharsets.UTF_8));
        while (k.find()) {
          calls.add(new Call(service, "DeleteObjects", bucket + "/" + k.group(1), principal));
        }
      } else {
        calls.add(new Call(service, operation, bucket, principal));
      }
    } else {
      String operation = switch (method) {
        case "GET" -> "GetObject";
        case "HEAD" -> "HeadObject";
        case "DELETE" -> query.containsKey("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
        case "POST" -> query.containsKey("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
        default -> query.containsKey("partNumber") ? "UploadPart" : copySource != null ? "CopyObject" : "PutObject";
      };
      calls.add(new Call(service, operation, path, principal));
    }
  }

  private static String streamName(String nameOrArn) {
    int i = nameOrArn.indexOf(":stream/");
    return i < 0 ? nameOrArn : nameOrArn.substring(i + ":stream/".length());
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
