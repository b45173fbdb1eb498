package com.fleetstream.rehearsal.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An API Gateway HTTP API as Terraform defines it ({@code aws_apigatewayv2_route}s on a JWT
 * authorizer): a request matches a route key ({@code {name}} one segment, {@code {name+}} the rest)
 * or is answered 404 as API Gateway answers it; a route with the authorizer passes the claims of a
 * token the authorizer accepted (its issuer, its audience as the client) to the Lambda, in payload
 * format 2.0. Token signatures are not rehearsed: the API's own tests check those.
 */
public final class HttpApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Route> routes = new ArrayList<>();
  private final String issuer;
  private final String audience;

  /** A route: its key, whether the JWT authorizer guards it, and the path pattern the key makes. */
  public record Route(String key, boolean authorized, String method, Pattern path) {}

  /** A response as API Gateway gives it to the client, or its own 404 for no route. */
  public record Response(int status, Map<String, String> headers, String body) {}

  @SuppressWarnings("unchecked")
  public HttpApi(Terraform.Module api) {
    Terraform.Instance authorizer = api.resource("aws_apigatewayv2_authorizer", "cognito").get("");
    Map<String, Object> jwt = (Map<String, Object>) ((List<Object>) authorizer.argument("jwt_configuration")).get(0);
    issuer = Expressions.string(jwt.get("issuer"));
    audience = Expressions.string(((List<Object>) jwt.get("audience")).get(0));
    for (Terraform.Instance r : api.resource("aws_apigatewayv2_route", "this").values()) {
      String key = Expressions.string(r.argument("route_key"));
      String method = key.substring(0, key.indexOf(' '));
      String path = key.substring(key.indexOf(' ') + 1);
      Pattern pattern = Pattern.compile("^" + path.replaceAll("\\{[a-z]+\\+}", ".+").replaceAll("\\{[a-z]+}", "[^/]+")
          + "$");
      routes.add(new Route(key, "JWT".equals(Expressions.string(r.argument("authorization_type"))), method, pattern));
    }
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }

  public Optional<Route> route(String method, String path) {
    return routes.stream().filter(r -> r.method().equals(method) && r.path().matcher(path).matches()).findFirst();
  }

  /** The Lambda's event for a request with a token the authorizer accepted, or empty when no route takes it. */
  public Optional<String> event(String method, String path, String rawQuery, String body, String subject) {
    return route(method, path).map(route -> {
      ObjectNode event = JSON.createObjectNode().put("version", "2.0").put("routeKey", route.key())
          .put("rawPath", path).put("rawQueryString", rawQuery == null ? "" : rawQuery)
          .put("isBase64Encoded", false);
      event.putObject("headers").put("content-type", "application/json").put("authorization", "Bearer <token>");
      if (body != null) {
        event.put("body", body);
      }
      ObjectNode context = event.putObject("requestContext").put("requestId", UUID.randomUUID().toString())
          .put("routeKey", route.key()).put("stage", "$default");
      context.putObject("http").put("method", method).put("path", path).put("protocol", "HTTP/1.1")
          .put("sourceIp", "192.0.2.10");
      if (route.authorized()) {
        context.putObject("authorizer").putObject("jwt").putObject("claims").put("iss", issuer)
            .put("client_id", audience).put("sub", subject).put("token_use", "access");
      }
      return event.toString();
    });
  }

  /** The client's response from the Lambda's (payload format 2.0). */
  public static Response response(String lambdaResponse) {
    try {
      JsonNode r = JSON.readTree(lambdaResponse);
      Map<String, String> headers = new java.util.TreeMap<>();
      r.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
      String body = r.path("body").asText();
      if (r.path("isBase64Encoded").asBoolean()) {
        body = new String(java.util.Base64.getDecoder().decode(body), java.nio.charset.StandardCharsets.ISO_8859_1);
      }
      return new Response(r.path("statusCode").asInt(), headers, body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not a payload 2.0 response: " + lambdaResponse, e);
    }
  }
}
