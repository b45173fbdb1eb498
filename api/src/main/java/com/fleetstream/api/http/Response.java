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

  /**
   * The map loads only its own files and calls only this API: no inline script, no framing (a
   * clickjacked map could be made to paste a token), no referrer carrying a URL's token fragment's
   * page away, HTTPS remembered for a year.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";

  public Map<String, String> headers() {
    return Map.of("Content-Type", contentType,
        "Cache-Control", cacheSeconds == 0 ? "no-store" : "public, max-age=" + cacheSeconds,
        "X-Content-Type-Options", "nosniff",
        "Content-Security-Policy", CONTENT_SECURITY_POLICY,
        "Strict-Transport-Security", "max-age=31536000; includeSubDomains",
        "Referrer-Policy", "no-referrer",
        "X-Frame-Options", "DENY");
  }
}
