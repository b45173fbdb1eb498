package com.fleetstream.api;

import com.fleetstream.api.auth.LocalAuthorizationServer;
import com.fleetstream.api.http.Request;
import com.fleetstream.api.http.Response;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API and the map on a local port, with the JDK's HTTP server: for the local run and the tests,
 * where API Gateway and Lambda are not. Request bodies above 6 MB are refused, as Lambda refuses a
 * larger synchronous payload. With the local issuer, {@code /oauth2/authorize} and {@code /oauth2/token}
 * are the {@link LocalAuthorizationServer}'s, where Cognito's hosted UI would be.
 */
public final class LocalApiServer implements AutoCloseable {
  static final int MAX_BODY_BYTES = 6 * 1024 * 1024;
  /** The local sign-in pages' policy: they call no other origin. */
  private static final String SIGN_IN_POLICY = Response.contentSecurityPolicy(java.util.Optional.empty());
  private final HttpServer server;
  private final ExecutorService threads;

  private LocalApiServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** @param port 0 for any free one */
  public static LocalApiServer start(Api api, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    ExecutorService threads = Executors.newFixedThreadPool(64);
    server.setExecutor(threads);
    server.createContext("/", exchange -> serve(api.routes(), exchange));
    api.localAuthorization().ifPresent(authorization -> server.createContext("/oauth2/",
        exchange -> signIn(authorization, exchange)));
    server.start();
    return new LocalApiServer(server, threads);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private static void serve(FleetApi api, HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      Response response;
      if (body.length > MAX_BODY_BYTES) {
        response = FleetApi.error(new com.fleetstream.api.http.ApiError(413, "too_large",
            "request bodies are at most " + MAX_BODY_BYTES + " bytes", "body"));
      } else {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        URI uri = exchange.getRequestURI();
        response = api.handle(new Request(exchange.getRequestMethod(), uri.getRawPath(), query(uri.getRawQuery()),
            headers, body));
      }
      send(exchange, response, api.headers(response));
    }
  }

  private static void signIn(LocalAuthorizationServer authorization, HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES);
      }
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      // the origin the browser used (127.0.0.1 or localhost): the only redirect the map may name
      String origin = "http://" + exchange.getRequestHeaders().getFirst("Host");
      LocalAuthorizationServer.Answer answer = path.equals("/oauth2/authorize") && method.equals("GET")
          ? authorization.authorize(query(exchange.getRequestURI().getRawQuery()), origin)
          : path.equals("/oauth2/token") && method.equals("POST")
              ? authorization.token(query(new String(body, StandardCharsets.UTF_8)))
              : new LocalAuthorizationServer.Answer(404, "application/json", "{\"error\":\"not_found\"}",
                  java.util.Optional.empty());
      Response response = new Response(answer.status(), answer.contentType(),
          answer.body().getBytes(StandardCharsets.UTF_8), 0);
      Map<String, String> headers = new LinkedHashMap<>(response.headers(SIGN_IN_POLICY));
      answer.location().ifPresent(to -> headers.put("Location", to.toString()));
      send(exchange, response, headers);
    }
  }

  private static void send(HttpExchange exchange, Response response, Map<String, String> headers) throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response.body());
    }
  }

  public static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      query.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /**
   * {@code --PORT n} and the {@link ApiConfig} keys; prints {@code API: <url>} and, with the local
   * issuer, {@code Token: <bearer token>} on lines of their own, and serves until stopped.
   */
  public static void main(String[] argv) throws Exception {
    int port = 8080;
    java.util.List<String> rest = new java.util.ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      if (argv[i].equals("--PORT") && i + 1 < argv.length) {
        port = Integer.parseInt(argv[++i]);
      } else {
        rest.add(argv[i]);
      }
    }
    Api api = Api.start(ApiConfig.parse(rest.toArray(String[]::new)));
    LocalApiServer server = start(api, port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      api.close();
    }));
    System.out.println("API: " + server.url() + " (the map signs in at the local stand-in of the hosted UI)");
    api.localIssuer().ifPresent(i -> {
      System.out.println("Token: " + i.token("local-user", Duration.ofHours(12)));
      System.out.println("(principal local-user sees and sends what fleet.grants give it: "
          + "sql/postgres/access/administration.sql)");
    });
    Thread.currentThread().join();
  }
}
