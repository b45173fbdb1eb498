package com.fleetstream.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fleetstream.api.http.Request;
import com.fleetstream.api.http.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda entry point behind an API Gateway HTTP API (payload format 2.0). The pool and clients are
 * made once per container, outside the handler, so a SnapStart snapshot holds them warm; the pool
 * re-validates its connections after a restore.
 */
public final class LambdaHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private static final Api API = Api.start(ApiConfig.parse(ApiConfig.fromEnvironment(System.getenv())));

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (event.getHeaders() != null) {
      event.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    }
    byte[] body = event.getBody() == null ? new byte[0] : event.getIsBase64Encoded()
        ? Base64.getDecoder().decode(event.getBody()) : event.getBody().getBytes(StandardCharsets.UTF_8);
    var http = event.getRequestContext().getHttp();
    Map<String, String> query = event.getRawQueryString() == null ? Map.of()
        : LocalApiServer.query(event.getRawQueryString());
    var authorizer = event.getRequestContext().getAuthorizer();
    Optional<Map<String, String>> claims = authorizer == null || authorizer.getJwt() == null
        ? Optional.empty() : Optional.ofNullable(authorizer.getJwt().getClaims());
    Response response = API.routes().handle(new Request(http.getMethod(), event.getRawPath(), query, headers, body,
        claims));
    boolean text = response.contentType().startsWith("text/") || response.contentType().contains("json");
    return APIGatewayV2HTTPResponse.builder().withStatusCode(response.status()).withHeaders(response.headers())
        .withIsBase64Encoded(!text)
        .withBody(text ? new String(response.body(), StandardCharsets.UTF_8)
            : Base64.getEncoder().encodeToString(response.body()))
        .build();
  }
}
