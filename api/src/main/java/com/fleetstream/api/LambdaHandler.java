package com.fleetstream.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fleetstream.api.http.ApiError;
import com.fleetstream.api.http.Request;
import com.fleetstream.api.http.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point behind an API Gateway HTTP API (payload format 2.0).
 *
 * <p>Init reads the settings and opens nothing. With SnapStart, init runs when Terraform publishes a
 * version: before the writer-login job has made the API's login, and a version whose init fails is
 * not published again by a re-apply of the same jar (terraform-provider-aws #49904). Connections made
 * at init would also be stale after a restore (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-best-practices.html).
 * So a bad setting fails the publish, naming it, while the API's files and clients are made on the
 * first request, and the pool logs in on the first query; what is not there yet is a 503 that the
 * next request retries.
 */
public final class LambdaHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaHandler.class);
  private static final ApiConfig CONFIG = ApiConfig.parse(ApiConfig.fromEnvironment(System.getenv()));
  private static final String CONTENT_SECURITY_POLICY = Response.contentSecurityPolicy(CONFIG.auth().oauthUrl());
  private static Api api;

  private static synchronized Api api() {
    if (api == null) {
      api = Api.start(CONFIG, Api.Connect.ON_FIRST_QUERY);
    }
    return api;
  }

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
    Response response;
    try {
      response = api().routes().handle(new Request(http.getMethod(), event.getRawPath(), query, headers, body,
          claims));
    } catch (RuntimeException e) {
      // routes answer their own failures: this is the start (a file or client the API could not make)
      LOG.error("the API could not start", e);
      response = FleetApi.error(new ApiError(503, "starting", "the API could not start; its log has the cause", null));
    }
    boolean text = response.contentType().startsWith("text/") || response.contentType().contains("json");
    return APIGatewayV2HTTPResponse.builder().withStatusCode(response.status())
        .withHeaders(response.headers(CONTENT_SECURITY_POLICY))
        .withIsBase64Encoded(!text)
        .withBody(text ? new String(response.body(), StandardCharsets.UTF_8)
            : Base64.getEncoder().encodeToString(response.body()))
        .build();
  }
}
