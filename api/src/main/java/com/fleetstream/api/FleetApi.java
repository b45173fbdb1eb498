package com.fleetstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fleetstream.api.auth.TokenVerifier;
import com.fleetstream.api.http.ApiError;
import com.fleetstream.api.http.Request;
import com.fleetstream.api.http.Response;
import com.fleetstream.api.ingest.PositionIngest;
import com.fleetstream.api.read.Reports;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's routes, the same behind API Gateway (Lambda) and the local server. Every route but the
 * page, its files, its sign-in settings and the OpenAPI document takes a bearer token, whose subject
 * is the principal every read and send is scoped to in PostgreSQL ({@link Reports}): a vehicle the
 * principal may not read answers exactly as one that does not exist.
 */
public final class FleetApi {
  private static final Logger LOG = LoggerFactory.getLogger(FleetApi.class);
  /** When the seed clients' routes were deprecated, and the day they go (docs/access.md). */
  static final Instant COMPAT_DEPRECATED = Instant.parse("2026-12-07T00:00:00Z");
  static final Instant COMPAT_SUNSET = Instant.parse("2027-06-30T00:00:00Z");
  private static final Map<String, String> COMPAT_HEADERS = Map.of(
      "Deprecation", "@" + COMPAT_DEPRECATED.getEpochSecond(),
      "Sunset", DateTimeFormatter.RFC_1123_DATE_TIME.format(COMPAT_SUNSET.atZone(ZoneOffset.UTC)));
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Vehicle ids are partition keys: Kinesis takes at most 256 characters. */
  private static final int MAX_ID_CHARS = 256;
  private static final Duration DEFAULT_ALERTS_SINCE = Duration.ofHours(24);
  private static final Map<String, String> FILE_TYPES = Map.of("html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "json", "application/json",
      "png", "image/png", "svg", "image/svg+xml");
  private final ApiConfig config;
  private final Reports reports;
  private final Optional<PositionIngest> ingest;
  private final ObjectNode geofences;
  private final TokenVerifier tokens;
  private final Clock clock;
  private final List<Route> routes;
  private final String contentSecurityPolicy;

  /** One route: {@code {name}} in its path matches a segment ({@code {file}}: a path under web/). */
  record Route(String method, String path, boolean authenticated, Handler handler, Pattern pattern) {
    Route(String method, String path, boolean authenticated, Handler handler) {
      this(method, path, authenticated, handler, Pattern.compile("^" + path.replace("{file}", "([A-Za-z0-9_./-]+)")
          .replaceAll("\\{[a-z]+}", "([^/]+)") + "$"));
    }
  }

  @FunctionalInterface
  interface Handler {
    /** @param principal the token's subject; null on a route that takes no token */
    Response handle(Request request, Matcher path, String principal) throws SQLException;
  }

  public FleetApi(ApiConfig config, Reports reports, Optional<PositionIngest> ingest, ObjectNode geofences,
      TokenVerifier tokens, Clock clock) {
    this.config = config;
    this.reports = reports;
    this.ingest = ingest;
    this.geofences = geofences;
    this.tokens = tokens;
    this.clock = clock;
    this.contentSecurityPolicy = Response.contentSecurityPolicy(config.auth().oauthUrl());
    this.routes = List.of(
        new Route("GET", "/vehicles", true, this::vehicles),
        new Route("GET", "/vehicles/{id}/location", true, this::location),
        new Route("GET", "/vehicles/{id}/positions", true, this::positions),
        new Route("GET", "/vehicles/{id}/windows", true, this::windows),
        new Route("GET", "/vehicles/{id}/trips", true, this::trips),
        new Route("GET", "/alerts", true, this::alerts),
        new Route("GET", "/geofences", true, (r, m, p) -> geojson(geofences)),
        new Route("POST", "/positions", true, (r, m, p) -> send(r.body(), p)),
        // the seed clients' requests, unchanged: the car-rental app's and the bus tracker's
        new Route("GET", "/cars/{id}/location", true, deprecated(this::location,
            (r, m) -> "/vehicles/" + segment(m.group(1)) + "/location")),
        new Route("GET", "/cars/{id}/locations", true, deprecated(this::positions,
            (r, m) -> "/vehicles/" + segment(m.group(1)) + "/positions")),
        new Route("GET", "/compat/bus", true, deprecated(this::busLocation,
            (r, m) -> "/vehicles/" + segment(r.param("busId").orElse("")) + "/location")),
        new Route("POST", "/compat/bus", true, deprecated(this::busEnvelope, (r, m) -> "/positions")),
        new Route("GET", "/openapi.json", false, (r, m, p) -> file("openapi.json")),
        new Route("GET", "/config.json", false, (r, m, p) -> clientConfig()),
        new Route("GET", "/", false, (r, m, p) -> file("web/index.html")),
        new Route("GET", "/web/{file}", false, (r, m, p) -> file("web/" + m.group(1))));
  }

  /** Method and path of each route, as the OpenAPI document must list them. */
  public List<String> routes() {
    return routes.stream().map(r -> r.method() + " " + r.path()).toList();
  }

  /**
   * A seed client's route: answered as its successor answers, and marked deprecated (RFC 9745's
   * {@code Deprecation}), with the day it goes ({@code Sunset}, RFC 8594) and the route to move to
   * ({@code Link} rel {@code successor-version}), so the clients' owners see it in every answer.
   */
  private static Handler deprecated(Handler handler, BiFunction<Request, Matcher, String> successor) {
    return (r, m, principal) -> handler.handle(r, m, principal).withHeaders(COMPAT_HEADERS)
        .withHeaders(Map.of("Link", "<" + successor.apply(r, m) + ">; rel=\"successor-version\""));
  }

  /** A path segment as a URL carries it (an id with a space or a slash stays one segment). */
  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public Response handle(Request request) {
    try {
      boolean pathMatched = false;
      for (Route route : routes) {
        Matcher m = route.pattern().matcher(request.path());
        if (!m.matches()) {
          continue;
        }
        pathMatched = true;
        if (!route.method().equals(request.method())) {
          continue;
        }
        return route.handler().handle(request, m, route.authenticated() ? authenticate(request) : null);
      }
      throw pathMatched ? new ApiError(405, "method_not_allowed", request.method() + " is not allowed on "
          + request.path(), null) : ApiError.notFound("no route " + request.path());
    } catch (ApiError e) {
      return error(e);
    } catch (SQLException e) {
      LOG.error("{} {}: PostgreSQL failed", request.method(), request.path(), e);
      return error(new ApiError(503, "database_unavailable", "the reporting database did not answer", null));
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", request.method(), request.path(), e);
      return error(new ApiError(500, "internal_error", "the request failed; the API's log has the cause", null));
    }
  }

  private String authenticate(Request r) {
    if (config.auth().mode() == ApiConfig.Auth.Mode.API_GATEWAY) {
      return tokens.verifiedClaims(r.verifiedClaims().orElseThrow(() ->
          ApiError.unauthorized("the request passed no JWT authorizer")));
    }
    return tokens.verify(r.header("authorization").orElse(null));
  }

  /**
   * What the map needs before it has a token: where it signs its user in (authorization code with
   * PKCE), at Cognito's hosted UI or, locally, at the local server's stand-in; nulls where neither is.
   */
  private Response clientConfig() {
    ApiConfig.Auth auth = config.auth();
    Optional<String> server = auth.oauthUrl().map(URI::toString)
        .or(() -> auth.local() ? Optional.of("") : Optional.empty());
    ObjectNode body = JSON.createObjectNode();
    body.put("authorize_url", server.map(s -> s + "/oauth2/authorize").orElse(null));
    body.put("token_url", server.map(s -> s + "/oauth2/token").orElse(null));
    body.put("client_id", auth.audience());
    body.put("scope", "openid");
    return json(200, body);
  }

  /** The headers of every answer, its Content-Security-Policy admitting the authorization server. */
  public Map<String, String> headers(Response response) {
    return response.headers(contentSecurityPolicy);
  }

  /** A page of the caller's vehicles, optionally within {@code bbox=west,south,east,north} (GeoJSON's order). */
  private Response vehicles(Request r, Matcher m, String principal) throws SQLException {
    Optional<Reports.Box> box = r.param("bbox").map(FleetApi::box);
    return geojson(reports.fleet(principal, box, cursor(r, Reports::vehicleAfter).orElse(""), limit(r)));
  }

  /** The {@code cursor} parameter, decoded; one this API did not give is a bad parameter. */
  private static <T> Optional<T> cursor(Request r, Function<String, T> decode) {
    return r.param("cursor").map(c -> {
      try {
        return decode.apply(c);
      } catch (RuntimeException e) {
        throw ApiError.badParameter("cursor", "is not a cursor this API gave");
      }
    });
  }

  private static Reports.Box box(String text) {
    String[] parts = text.split(",");
    try {
      if (parts.length == 4) {
        double west = Double.parseDouble(parts[0]);
        double south = Double.parseDouble(parts[1]);
        double east = Double.parseDouble(parts[2]);
        double north = Double.parseDouble(parts[3]);
        if (Math.abs(west) <= 180 && Math.abs(east) <= 180 && south >= -90 && north <= 90 && south <= north) {
          return new Reports.Box(west, east, south, north);
        }
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badParameter("bbox", "must be west,south,east,north in degrees (longitudes -180 to 180,"
        + " latitudes -90 to 90, south <= north)");
  }

  private Response location(Request r, Matcher m, String principal) throws SQLException {
    return latest(principal, vehicle(m));
  }

  private Response latest(String principal, String vehicle) throws SQLException {
    return geojson(reports.latest(principal, vehicle).orElseThrow(() -> unknownVehicle(vehicle)));
  }

  private Response positions(Request r, Matcher m, String principal) throws SQLException {
    String vehicle = vehicle(m);
    Instant start = instant(r, "start").orElseThrow(() -> ApiError.badParameter("start", "is required (ISO-8601)"));
    Instant end = instant(r, "end").orElseThrow(() -> ApiError.badParameter("end", "is required (ISO-8601)"));
    range(start, end);
    int limit = limit(r);
    Reports.Page page = reports.positions(principal, vehicle, start, end, cursor(r, Reports.Cursor::decode), limit)
        .orElseThrow(() -> unknownVehicle(m));
    ObjectNode body = JSON.createObjectNode().put("vehicle_id", vehicle).put("start", start.toString())
        .put("end", end.toString());
    body.set("positions", page.rows());
    body.put("next_cursor", page.next().orElse(null));
    return json(200, body);
  }

  private Response windows(Request r, Matcher m, String principal) throws SQLException {
    String vehicle = vehicle(m);
    Instant end = instant(r, "end").orElse(clock.instant());
    Instant start = instant(r, "start").orElse(end.minus(config.maxRange()));
    range(start, end);
    int limit = limit(r);
    ObjectNode body = JSON.createObjectNode().put("vehicle_id", vehicle);
    body.set("windows", reports.windows(principal, vehicle, start, end, limit).orElseThrow(() -> unknownVehicle(m)));
    return json(200, body);
  }

  private Response trips(Request r, Matcher m, String principal) throws SQLException {
    String vehicle = vehicle(m);
    LocalDate day = r.param("day").map(text -> {
      try {
        return LocalDate.parse(text);
      } catch (DateTimeParseException e) {
        throw ApiError.badParameter("day", "must be a date such as 2026-01-01 (a UTC day)");
      }
    }).orElse(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    ObjectNode body = JSON.createObjectNode().put("vehicle_id", vehicle).put("day", day.toString());
    body.setAll(reports.tripsAndStops(principal, vehicle, day).orElseThrow(() -> unknownVehicle(m)));
    return json(200, body);
  }

  private Response alerts(Request r, Matcher m, String principal) throws SQLException {
    Instant since = instant(r, "since").orElse(clock.instant().minus(DEFAULT_ALERTS_SINCE));
    ObjectNode body = JSON.createObjectNode().put("since", since.toString());
    body.set("alerts", reports.alerts(principal, since, limit(r)));
    return json(200, body);
  }

  /** 200 when every fix went to the stream, 503 when Kinesis would not take some, 422 when none was sendable. */
  private Response send(byte[] fixes, String principal) throws SQLException {
    PositionIngest in = ingest.orElseThrow(() -> new ApiError(405, "ingestion_off",
        "this API has no LOCATION_STREAM to write to", null));
    PositionIngest.Outcome outcome = in.ingest(fixes, (ids, at) -> reports.sendable(principal, ids, at));
    return json(outcome.failed() > 0 ? 503 : outcome.accepted() == 0 ? 422 : 200, outcome.body());
  }

  /** The bus tracker's read: {@code GET ?busId=17}, the bus's newest fix. */
  private Response busLocation(Request r, Matcher m, String principal) throws SQLException {
    String bus = r.param("busId").filter(id -> !id.isBlank() && id.length() <= MAX_ID_CHARS)
        .orElseThrow(() -> ApiError.badParameter("busId", "must be 1 to " + MAX_ID_CHARS + " characters"));
    return latest(principal, bus);
  }

  /**
   * The bus tracker's send: the body of a Kinesis PutRecord ({@code StreamName}, base64 {@code Data},
   * {@code PartitionKey}), as it sent to Kinesis through API Gateway before. The partition key is the
   * vehicle id, sent as the caller may; {@code StreamName} is ignored (the API has its stream); a fix
   * without a time is stamped with its arrival.
   */
  private Response busEnvelope(Request r, Matcher m, String principal) throws SQLException {
    JsonNode envelope;
    try {
      envelope = JSON.readTree(r.body());
    } catch (IOException e) {
      throw ApiError.badParameter("body", "is not JSON");
    }
    String key = envelope == null ? "" : envelope.path("PartitionKey").asText("");
    if (key.isBlank() || key.length() > MAX_ID_CHARS) {
      throw ApiError.badParameter("PartitionKey", "must be the vehicle id, 1 to " + MAX_ID_CHARS + " characters");
    }
    JsonNode data;
    try {
      data = JSON.readTree(Base64.getDecoder().decode(envelope.path("Data").asText("")));
    } catch (IllegalArgumentException | IOException e) {
      throw ApiError.badParameter("Data", "must be a base64 JSON object");
    }
    if (data == null || !data.isObject()) {
      throw ApiError.badParameter("Data", "must be a base64 JSON object");
    }
    ObjectNode fix = ((ObjectNode) data).put("vehicle_id", key);
    if (!fix.hasNonNull("timestamp")) {
      fix.put("timestamp", clock.instant().toString());
    }
    return send(bytes(fix), principal);
  }

  /** Also what a vehicle the principal may not read over any part of the range is, to it. */
  private static ApiError unknownVehicle(Matcher m) {
    return unknownVehicle(vehicle(m));
  }

  private static ApiError unknownVehicle(String id) {
    return ApiError.notFound("no vehicle " + id);
  }

  private static String vehicle(Matcher m) {
    String id = URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
    if (id.isBlank() || id.length() > MAX_ID_CHARS) {
      throw ApiError.badParameter("id", "must be 1 to " + MAX_ID_CHARS + " characters");
    }
    return id;
  }

  private void range(Instant start, Instant end) {
    if (!end.isAfter(start)) {
      throw ApiError.badParameter("end", "must be after start");
    }
    if (Duration.between(start, end).compareTo(config.maxRange()) > 0) {
      throw ApiError.badParameter("end", "is more than " + config.maxRange() + " after start (MAX_RANGE)");
    }
  }

  private int limit(Request r) {
    Optional<String> text = r.param("limit");
    if (text.isEmpty()) {
      return config.defaultLimit();
    }
    try {
      int limit = Integer.parseInt(text.get());
      if (limit >= 1 && limit <= config.maxLimit()) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badParameter("limit", "must be a whole number from 1 to " + config.maxLimit());
  }

  /** ISO-8601 with a zone: {@code 2026-01-01T10:00:00Z} or {@code 2026-01-01T11:00:00+01:00}. */
  private static Optional<Instant> instant(Request r, String name) {
    return r.param(name).map(text -> {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiError.badParameter(name, "must be an ISO-8601 instant with a zone, such as 2026-01-01T10:00:00Z");
      }
    });
  }

  private static Response geojson(JsonNode body) {
    return new Response(200, Response.GEOJSON, bytes(body), 0);
  }

  private static Response json(int status, JsonNode body) {
    return new Response(status, Response.JSON, bytes(body), 0);
  }

  static Response error(ApiError e) {
    ObjectNode body = JSON.createObjectNode().put("error", e.code()).put("message", e.getMessage());
    if (e.parameter() != null) {
      body.put("parameter", e.parameter());
    }
    return json(e.status(), body);
  }

  private static byte[] bytes(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The page and its files, from the jar; a path with {@code ..} matches no route. */
  private static Response file(String resource) {
    if (resource.contains("..")) {
      throw ApiError.notFound("no file " + resource);
    }
    try (InputStream in = FleetApi.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw ApiError.notFound("no file " + resource);
      }
      String ext = resource.substring(resource.lastIndexOf('.') + 1);
      return new Response(200, FILE_TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes(),
          resource.startsWith("web/vendor/") ? 86_400 : 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
