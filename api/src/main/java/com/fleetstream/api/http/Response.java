package com.fleetstream.api.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP response: status, content type and body; {@code cacheSeconds} 0 for no caching; {@code more}
 * headers of its own (a deprecated route's {@code Deprecation} and {@code Sunset}).
 */
public record Response(int status, String contentType, byte[] body, int cacheSeconds, Map<String, String> more) {
  public static final String JSON = "application/json";
  public static final String GEOJSON = "application/geo+json";

  public Response(int status, String contentType, byte[] body, int cacheSeconds) {
    this(status, contentType, body, cacheSeconds, Map.of());
  }

  public Response withHeaders(Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(more);
    all.putAll(headers);
    return new Response(status, contentType, body, cacheSeconds, Map.copyOf(all));
  }

  public static Response json(int status, String json) {
    return new Response(status, JSON, json.getBytes(StandardCharsets.UTF_8), 0);
  }

  /**
   * The map loads only its own files and calls only this API and, to exchange its sign-in code for a
   * token, the authorization server (an origin, as ApiConfig parses OAUTH_URL): no inline script, no framing (a clickjacked map could be made
   * to act for its user), no referrer carrying a URL's sign-in code away, HTTPS remembered for a year.
   */
  public static String contentSecurityPolicy(Optional<URI> authorizationServer) {
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'"
        + authorizationServer.map(origin -> " " + origin).orElse("")
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  /** @param contentSecurityPolicy {@link #contentSecurityPolicy}, made once per server */
  public Map<String, String> headers(String contentSecurityPolicy) {
    Map<String, String> all = new LinkedHashMap<>(more);
    all.putAll(Map.of("Content-Type", contentType,
        "Cache-Control", cacheSeconds == 0 ? "no-store" : "public, max-age=" + cacheSeconds,
        "X-Content-Type-Options", "nosniff",
        "Content-Security-Policy", contentSecurityPolicy,
        "Strict-Transport-Security", "max-age=31536000; includeSubDomains",
        "Referrer-Policy", "no-referrer",
        "X-Frame-Options", "DENY"));
    return all;
  }
}
