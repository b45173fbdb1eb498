package com.fleetstream.testkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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

  static ExecutorService daemonThreads(String name) {
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
