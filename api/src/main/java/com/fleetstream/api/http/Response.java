package com.fleetstream.api.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP response: status, content type and body; {@code cacheSeconds} 0 for no caching. */
public record Response(int status, String contentType, byte[] body, int cacheSeconds) {
  public static final String JSON = "application/json";
  public static final String GEOJSON = "application/geo+json";

  public static Response json(int status, String json) {
    return new Response(status, JSON, json.getBytes(StandardCharsets.UTF_8), 0);
  }

  public Map<String, String> headers() {
    return Map.of("Content-Type", contentType,
        "Cache-Control", cacheSeconds == 0 ? "no-store" : "public, max-age=" + cacheSeconds,
        "X-Content-Type-Options", "nosniff");
  }
}
