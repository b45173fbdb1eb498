package com.fleetstream.api.http;

import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as both of the API's front ends see it: the local server and API Gateway's
 * payload format 2.0.
 *
 * @param headers lower-case names
 * @param verifiedClaims the claims of the bearer token API Gateway's JWT authorizer verified, if it did
 */
public record Request(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body,
    Optional<Map<String, String>> verifiedClaims) {
  public Request(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
    this(method, path, query, headers, body, Optional.empty());
  }

  public Optional<String> param(String name) {
    return Optional.ofNullable(query.get(name)).filter(v -> !v.isBlank());
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
