package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The HTTP server under a loopback stand-in: 127.0.0.1, a free port, one daemon thread per exchange. */
final class LoopbackHttp {
  private LoopbackHttp() {}

  /** Serves {@code handler} on {@code executor} (a blocking handler needs a thread of its own per call). */
  static HttpServer start(HttpHandler handler, ExecutorService executor) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", handler);
    server.setExecutor(executor);
    server.start();
    return server;
  }

  /** The parameters of a Query-protocol request: its form-encoded body. */
  static Map<String, String> formParams(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  /** Answers as AWS's Query-protocol services do: XML, with the request's id in a header too. */
  static void answerXml(HttpExchange exchange, int status, String requestId, String xml) throws IOException {
    byte[] out = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml");
    exchange.getResponseHeaders().add("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  static ExecutorService daemonThreads(String name) {
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
