package com.fleetstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.api.access.AccessAdmin;
import com.fleetstream.jobs.LocationStreamingJob;
import com.fleetstream.jobs.SparkTestSession;
import com.fleetstream.jobs.StreamServers;
import com.fleetstream.jobs.TestJobArgs;
import com.fleetstream.jobs.TestPostgres;
import com.fleetstream.jobs.TestRecords;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.sink.postgres.PostgresSchema;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.ProjectPaths;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API against real servers, filled the way production fills them: fixes POSTed to the API go
 * through kinesalite and the location job into PostgreSQL, then every route reads them back as the
 * read-only role, and the map shows them in Debian's Chromium (Playwright). Every answer's status
 * must be one the OpenAPI document lists for its route. The user {@code it-user} administers tenant
 * acme, which owns every vehicle here; a renter, a device and another tenant's operator see and send
 * only what their grants cover.
 */
class ApiIT {
  private static final String STREAM = "api-locations";
  private static final String ROLE = "fleet_api";
  static final String TENANT = "acme";
  /** Rents truck-b from five minutes into its track until two hours from now. */
  private static final String RENTER = "renter-b";
  /** van-d's tracker: may send as van-d, read nothing. */
  private static final String DEVICE = "device-d";
  /** An operator of another tenant, globex. */
  private static final String OTHER_TENANT = "globex-op";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Four vehicles, 25 fixes each, a minute apart, from a ten-minute boundary an hour ago. */
  private static final Instant T0 = Instant.now().minus(Duration.ofMinutes(70)).truncatedTo(ChronoUnit.HOURS)
      .plus(Duration.ofMinutes(10));
  private static final int FIXES = 25;
  private static final Instant RENTAL_START = T0.plus(Duration.ofMinutes(5));
  private static final String FENCE_NAME = "<img src=x onerror=alert(1)>";
  /** The bus tracker's request as it is: a Kinesis PutRecord body, the fix base64 in Data, bus 17 its partition key. */
  private static final String BUS = "17";
  private static final String BUS_ENVELOPE = "{\"StreamName\":\"bus-locations\",\"Data\":\"" + java.util.Base64.getEncoder()
      .encodeToString("{\"longitude\": \"12.34567\", \"latitude\": \"76.54321\"}".getBytes(StandardCharsets.UTF_8))
      + "\",\"PartitionKey\":\"" + BUS + "\"}";
  private static JsonNode busPosted;

  @RegisterExtension
  static final StreamServers servers = new StreamServers("api_test");

  @TempDir
  static Path work;

  private static Api api;
  private static LocalApiServer server;
  private static String token;
  private static JsonNode openApi;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void fillThroughTheApiAndTheLocationJob() throws Exception {
    PostgresSchema.migrate(servers.db());
    try (Connection c = servers.db().open(); Statement s = c.createStatement()) {
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
          + "CREATE ROLE " + ROLE + " LOGIN PASSWORD 'api-password' IN ROLE api_reader; END IF; END $$");
      AccessAdmin admin = new AccessAdmin(c).tenant(TENANT, "Acme Logistics");
      for (String vehicle : List.of("truck-a", "truck-b", "car-c", "van-d", "retry-v", "large-v", BUS)) {
        admin.vehicle(TENANT, vehicle);
      }
      admin.grant("it-user", AccessAdmin.Role.ADMINISTRATOR, TENANT, Optional.empty(), Optional.empty(),
          Optional.empty());
      admin.grant(RENTER, AccessAdmin.Role.RENTER, TENANT, Optional.of("truck-b"), Optional.of(RENTAL_START),
          Optional.of(Instant.now().plus(Duration.ofHours(2))));
      admin.grant(DEVICE, AccessAdmin.Role.DEVICE, TENANT, Optional.of("van-d"), Optional.empty(), Optional.empty());
      new AccessAdmin(c).tenant("globex", "Globex Transport").vehicle("globex", "bus-9")
          .grant(OTHER_TENANT, AccessAdmin.Role.OPERATOR, "globex", Optional.empty(), Optional.empty(), Optional.empty());
    }
    servers.kinesis().createStream(STREAM, 2);
    System.setProperty("aws.accessKeyId", KinesisEmulator.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", KinesisEmulator.SECRET_KEY);
    System.setProperty("aws.region", KinesisEmulator.REGION.id());
    Path geofences = TestRecords.depotGeofence(work);
    // the API's copy names the depot with markup, which the map must show as text
    Path named = Files.writeString(work.resolve("api-geofences.json"), Files.readString(geofences)
        .replace("\"Depot\"", "\"" + FENCE_NAME + "\""));
    api = Api.start(ApiConfig.parse("--PG_URL", servers.db().jdbcUrl(), "--PG_USER", ROLE,
        "--PG_PASSWORD", "api-password", "--LOCATION_STREAM", STREAM,
        "--KINESIS_ENDPOINT", servers.kinesis().endpoint().toString(), "--GEOFENCES", named.toString(),
        "--MAX_RANGE", "P7D"));
    server = LocalApiServer.start(api, 0);
    token = api.localIssuer().orElseThrow().token("it-user", Duration.ofHours(1));
    openApi = JSON.readTree(FleetApi.class.getClassLoader().getResourceAsStream("openapi.json"));

    JsonNode posted = post(fixes(), 200);
    assertThat(posted.get("accepted").asInt()).isEqualTo(4 * FIXES);
    assertThat(posted.get("rejected").asInt()).isEqualTo(4);
    assertThat(posted.get("failed").asInt()).isZero();
    List<String> reasons = new ArrayList<>();
    posted.get("results").forEach(r -> {
      if (r.get("status").asText().equals("rejected")) {
        reasons.add(r.get("index").asInt() + " " + r.get("reason").asText());
      }
    });
    assertThat(reasons).containsExactly("100 out_of_range:latitude", "101 missing_field:vehicle_id",
        "102 timestamp_in_future", "103 invalid_type:speed_kmh");
    // with the bare token the tracker sends (no "Bearer ")
    busPosted = send(HttpRequest.newBuilder(server.url().resolve("compat/bus")).header("Authorization", token)
        .POST(HttpRequest.BodyPublishers.ofString(BUS_ENVELOPE)), "/compat/bus", "post", 200);

    List<String> args = TestJobArgs.streaming(servers.kinesis(), STREAM, "10 minutes", work, servers.db());
    args.addAll(List.of("--GEOFENCES", geofences.toUri().toString()));
    LocationStreamingJob.run(SparkTestSession.get(), LocationJobConfig.parse(args.toArray(String[]::new)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (api != null) {
      api.close();
    }
  }

  /**
   * truck-a drives east into the depot (500 m around 52.52 N 13.405 E); truck-b drives north; car-c
   * stands; van-d drives north for ten minutes, then its engine is off: one trip, ended by the ignition.
   */
  private static String fixes() {
    List<String> fixes = new ArrayList<>();
    for (int i = 0; i < FIXES; i++) {
      String t = T0.plus(Duration.ofMinutes(i)).toString();
      fixes.add(fix("truck-a", "a-" + i, t, 52.52, round(13.36 + i * 0.002), 8.2));
      fixes.add(fix("truck-b", "b-" + i, t, round(53.50 + i * 0.004), 9.95, 26.7));
      fixes.add(fix("car-c", "c-" + i, t, 48.1351, 11.582, 0));
      fixes.add(fix("van-d", "d-" + i, t, round(50.94 + Math.min(i, 10) * 0.0045), 6.96, i < 10 ? 30 : 0));
    }
    String t = T0.toString();
    fixes.add(fix("truck-a", "bad-1", t, 123.4, 13.36, 1));
    fixes.add(fix("truck-a", "bad-2", t, 52.0, 13.36, 1).replace("\"vehicle_id\":\"truck-a\",", ""));
    fixes.add(fix("truck-a", "bad-3", Instant.now().plus(Duration.ofHours(2)).toString(), 52.0, 13.36, 1));
    fixes.add(fix("truck-a", "bad-4", t, 52.0, 13.36, 1).replace("\"speed_kmh\":1.0", "\"speed_kmh\":\"fast\""));
    return "[" + String.join(",", fixes) + "]";
  }

  private static double round(double degrees) {
    return Math.round(degrees * 1e6) / 1e6;
  }

  private static String fix(String vehicle, String id, String time, double lat, double lon, double speed) {
    return String.format(Locale.ROOT, "{\"vehicle_id\":\"%s\",\"event_id\":\"%s\",\"timestamp\":\"%s\","
        + "\"latitude\":%s,\"longitude\":%s,\"speed_kmh\":%.1f,\"engine_status\":\"%s\"}", vehicle, id, time, lat, lon,
        speed, speed > 0 ? "running" : "off");
  }

  @Test
  void listsEveryVehicleAtItsNewestFixAsGeoJson() throws Exception {
    JsonNode fleet = get("vehicles", "/vehicles", 200);
    assertThat(fleet.get("type").asText()).isEqualTo("FeatureCollection");
    String last = T0.plus(Duration.ofMinutes(FIXES - 1)).toString();
    List<String> features = new ArrayList<>();
    fleet.get("features").forEach(f -> features.add(f.get("id").asText() + " " + f.at("/geometry/coordinates")
        + " " + f.at("/properties/event_time").asText() + " " + f.at("/properties/speed_kmh").asDouble()));
    String busTime = ((java.sql.Timestamp) TestPostgres.rows(servers.db(), "SELECT event_time FROM "
        + "fleet.vehicle_position_latest WHERE vehicle_id = '" + BUS + "'").get(0).get(0)).toInstant().toString();
    assertThat(features).containsExactly(
        BUS + " [12.34567,76.54321] " + busTime + " 0.0",
        "car-c [11.582,48.1351] " + last + " 0.0",
        "truck-a [13.408,52.52] " + last + " 8.2",
        "truck-b [9.95,53.596] " + last + " 26.7",
        "van-d [6.96,50.985] " + last + " 0.0");
    assertThat(features).hasSize((int) TestPostgres.count(servers.db(),
        "SELECT count(*) FROM fleet.vehicle_position_latest"));

    assertThat(fleet.get("next_cursor").isNull()).isTrue();

    // a page at a time: two, two and one, each page's cursor where the next starts
    List<String> paged = new ArrayList<>();
    String cursor = null;
    List<Integer> pages = new ArrayList<>();
    do {
      JsonNode page = get("vehicles?limit=2" + (cursor == null ? "" : "&cursor=" + q(cursor)), "/vehicles", 200);
      page.get("features").forEach(f -> paged.add(f.get("id").asText()));
      pages.add(page.get("features").size());
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(pages).containsExactly(2, 2, 1);
    assertThat(paged).containsExactly(BUS, "car-c", "truck-a", "truck-b", "van-d");
    // a map's view: Berlin and Hamburg (truck-a, truck-b), not Munich, Cologne or the Arctic
    List<String> inView = new ArrayList<>();
    get("vehicles?bbox=" + q("9.5,52.0,14.0,54.0"), "/vehicles", 200).get("features")
        .forEach(f -> inView.add(f.get("id").asText()));
    assertThat(inView).containsExactly("truck-a", "truck-b");
    // a view across the antimeridian (west > east): from 170 E round to 10 E, Hamburg and Cologne
    List<String> acrossTheDateLine = new ArrayList<>();
    get("vehicles?bbox=" + q("170,45,10,55"), "/vehicles", 200).get("features")
        .forEach(f -> acrossTheDateLine.add(f.get("id").asText()));
    assertThat(acrossTheDateLine).containsExactly("truck-b", "van-d");
    assertThat(badParameter("vehicles?bbox=" + q("9.5,54.0,14.0,52.0"), "/vehicles")).isEqualTo("bbox");
    assertThat(badParameter("vehicles?bbox=europe", "/vehicles")).isEqualTo("bbox");

    JsonNode one = get("vehicles/truck-b/location", "/vehicles/{id}/location", 200);
    assertThat(one).isEqualTo(fleet.get("features").get(3));
    assertThat(get("vehicles/nobody/location", "/vehicles/{id}/location", 404).get("error").asText())
        .isEqualTo("not_found");
  }

  @Test
  void pagesThroughAVehiclesTrackWithACursor() throws Exception {
    String range = "start=" + q(T0.toString()) + "&end=" + q(T0.plus(Duration.ofMinutes(FIXES)).toString());
    List<String> ids = new ArrayList<>();
    List<Integer> pages = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = get("vehicles/truck-a/positions?" + range + "&limit=10" + (cursor == null ? "" : "&cursor="
          + q(cursor)), "/vehicles/{id}/positions", 200);
      page.get("positions").forEach(p -> ids.add(p.get("event_id").asText()));
      pages.add(page.get("positions").size());
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(pages).containsExactly(10, 10, 5);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < FIXES; i++) {
      expected.add("a-" + i);
    }
    assertThat(ids).containsExactlyElementsOf(expected);

    JsonNode first = get("vehicles/truck-a/positions?start=" + q(T0.toString()) + "&end="
        + q(T0.plusSeconds(1).toString()), "/vehicles/{id}/positions", 200);
    assertThat(first.get("positions").get(0).toString()).isEqualTo("{\"event_time\":\"" + T0 + "\",\"event_id\":\"a-0\","
        + "\"latitude\":52.52,\"longitude\":13.36,\"speed_kmh\":8.2,\"heading\":null,\"altitude_m\":null,"
        + "\"accuracy_m\":null,\"fuel_level_pct\":null,\"engine_status\":\"running\"}");
    assertThat(first.get("next_cursor").isNull()).isTrue();
  }

  @Test
  void givesAVehiclesClosedWindows() throws Exception {
    JsonNode windows = get("vehicles/truck-b/windows?start=" + q(T0.toString()), "/vehicles/{id}/windows", 200);
    List<String> rows = new ArrayList<>();
    windows.get("windows").forEach(w -> rows.add(w.get("window_start").asText() + " " + w.get("fix_count").asInt()));
    // the watermark (newest fix less a minute) has closed the first two ten-minute windows
    assertThat(rows).containsExactly(T0 + " 10", T0.plus(Duration.ofMinutes(10)) + " 10");
    assertThat(windows.get("windows").get(0).get("distance_km").asDouble()).isCloseTo(9 * 0.004 * 111.19,
        org.assertj.core.data.Offset.offset(0.05));
  }

  @Test
  void givesAVehiclesTripsAndStopsOfADay() throws Exception {
    String day = T0.toString().substring(0, 10);
    JsonNode van = get("vehicles/van-d/trips?day=" + day, "/vehicles/{id}/trips", 200);
    assertThat(van.get("trips")).singleElement().satisfies(trip -> {
      assertThat(trip.get("start_time").asText()).isEqualTo(T0.toString());
      assertThat(trip.get("ended_by").asText()).isEqualTo("ignition");
    });
    List<List<Object>> stored = TestPostgres.rows(servers.db(), "SELECT trip_id, distance_km, ended_by FROM fleet.trips "
        + "WHERE vehicle_id = 'van-d'");
    JsonNode trip = van.get("trips").get(0);
    assertThat(List.<Object>of(trip.get("trip_id").asText(), trip.get("distance_km").asDouble(),
        trip.get("ended_by").asText())).isEqualTo(stored.get(0));
    assertThat(van.get("stops").size()).isEqualTo((int) TestPostgres.count(servers.db(),
        "SELECT count(*) FROM fleet.stops WHERE vehicle_id = 'van-d'"));
    assertThat(get("vehicles/car-c/trips?day=" + day, "/vehicles/{id}/trips", 200).get("trips")).isEmpty();
    assertThat(badParameter("vehicles/van-d/trips?day=yesterday", "/vehicles/{id}/trips")).isEqualTo("day");
    assertThat(get("vehicles/nobody/trips", "/vehicles/{id}/trips", 404).get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void givesTheAlertsAndGeofences() throws Exception {
    JsonNode alerts = get("alerts?since=" + q(T0.toString()), "/alerts", 200);
    List<List<Object>> expected = TestPostgres.rows(servers.db(),
        "SELECT alert_id, entity_id, rule, kind FROM fleet.alerts ORDER BY event_time DESC, alert_id");
    List<List<Object>> got = new ArrayList<>();
    alerts.get("alerts").forEach(a -> got.add(List.of(a.get("alert_id").asText(), a.get("entity_id").asText(),
        a.get("rule").asText(), a.get("kind").asText())));
    assertThat(got).isEqualTo(expected).hasSize(1);
    assertThat(got.get(0).get(1)).isEqualTo("truck-a");
    assertThat(get("alerts?since=" + q(Instant.now().toString()), "/alerts", 200).get("alerts")).isEmpty();

    JsonNode fences = get("geofences", "/geofences", 200);
    assertThat(fences.get("features").toString()).isEqualTo("[{\"type\":\"Feature\",\"id\":\"depot\","
        + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[13.405,52.52]},\"properties\":{\"geofence_id\":\"depot\","
        + "\"name\":\"" + FENCE_NAME + "\",\"shape\":\"circle\",\"alert_on\":\"enter\",\"radius_meters\":500.0}}]");
  }

  @Test
  void refusesBadParametersNamingThem() throws Exception {
    String p = "/vehicles/{id}/positions";
    String start = "start=" + q(T0.toString());
    assertThat(badParameter("vehicles/truck-a/positions?end=" + q(T0.toString()), p)).isEqualTo("start");
    assertThat(badParameter("vehicles/truck-a/positions?" + start, p)).isEqualTo("end");
    assertThat(badParameter("vehicles/truck-a/positions?" + start + "&end=yesterday", p)).isEqualTo("end");
    assertThat(badParameter("vehicles/truck-a/positions?" + start + "&end=" + q(T0.minusSeconds(1).toString()), p))
        .isEqualTo("end");
    assertThat(badParameter("vehicles/truck-a/positions?" + start + "&end=" + q(T0.plus(Duration.ofDays(8))
        .toString()), p)).isEqualTo("end");
    String range = start + "&end=" + q(T0.plus(Duration.ofHours(1)).toString());
    assertThat(badParameter("vehicles/truck-a/positions?" + range + "&limit=0", p)).isEqualTo("limit");
    assertThat(badParameter("vehicles/truck-a/positions?" + range + "&limit=ten", p)).isEqualTo("limit");
    assertThat(badParameter("vehicles/truck-a/positions?" + range + "&cursor=zzz", p)).isEqualTo("cursor");
    assertThat(badParameter("alerts?since=now", "/alerts")).isEqualTo("since");
    assertThat(get("vehicles/nobody/positions?" + range, p, 404).get("message").asText()).isEqualTo("no vehicle nobody");
    assertThat(get("vehicles/nobody/windows", "/vehicles/{id}/windows", 404).get("error").asText()).isEqualTo("not_found");

    assertThat(post("not json", 400).get("parameter").asText()).isEqualTo("body");
    assertThat(post("[]", 400).get("parameter").asText()).isEqualTo("body");
    assertThat(post("[" + String.join(",", java.util.Collections.nCopies(501, "{}")) + "]", 400).get("message")
        .asText()).isEqualTo("body: must hold 1 to 500 fixes, got 501");
    HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(server.url().resolve("vehicles"))
        .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(List.of(delete.statusCode(), JSON.readTree(delete.body()).get("error").asText()))
        .containsExactly(405, "method_not_allowed");
  }

  /**
   * Entries Kinesis refuses (a throttled shard: HTTP 200 with FailedRecordCount) are sent again and
   * land once; a batch above PutRecords' 5 MiB goes in several calls.
   */
  @Test
  void putsEveryFixOnceThroughRefusedEntriesAndLargeBatches() throws Exception {
    Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    servers.kinesis().failEntriesOfNextPutRecords(2, "ProvisionedThroughputExceededException");
    int faults = servers.kinesis().faultsServed();
    List<String> fixes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      fixes.add(fix("retry-v", "retry-" + i, t.toString(), 50.0, 8.0, 10));
    }
    JsonNode posted = post("[" + String.join(",", fixes) + "]", 200);
    assertThat(servers.kinesis().faultsServed()).isEqualTo(faults + 1);
    assertThat(posted.get("accepted").asInt()).isEqualTo(3);
    assertThat(posted.get("results")).allSatisfy(r -> assertThat(r.has("sequence_number")).isTrue());

    // 420 fixes of 13 KB: 5.5 MB, more than one PutRecords call takes
    String padding = "p".repeat(13_000);
    List<String> large = new ArrayList<>();
    for (int i = 0; i < 420; i++) {
      large.add(fix("large-v", "large-" + i, t.toString(), 50.0, 8.0, 10).replace("}", ",\"note\":\"" + padding + "\"}"));
    }
    assertThat(post("[" + String.join(",", large) + "]", 200).get("accepted").asInt()).isEqualTo(420);

    java.util.Map<String, Integer> onStream = new java.util.TreeMap<>();
    var kinesis = servers.kinesis().client();
    for (var shard : kinesis.listShards(b -> b.streamName(STREAM)).shards()) {
      String iterator = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId(shard.shardId())
          .shardIteratorType("TRIM_HORIZON")).shardIterator();
      while (iterator != null) {
        String it = iterator;
        var page = kinesis.getRecords(b -> b.shardIterator(it).limit(10_000));
        for (var r : page.records()) {
          String id = JSON.readTree(r.data().asUtf8String()).path("event_id").asText();
          if (id.startsWith("retry-") || id.startsWith("large-")) {
            onStream.merge(id.substring(0, id.indexOf('-')), 1, Integer::sum);
          }
        }
        iterator = page.records().isEmpty() ? null : page.nextShardIterator();
      }
    }
    assertThat(onStream).containsExactly(java.util.Map.entry("large", 420), java.util.Map.entry("retry", 3));
  }

  @Test
  void refusesRequestsWithoutAGoodToken() throws Exception {
    var issuer = api.localIssuer().orElseThrow();
    List<String> bad = List.of("", "Bearer ", "Bearer not.a.token", "Basic dXNlcjpwYXNz",
        "Bearer " + issuer.token("it-user", "another-client", Instant.now().plusSeconds(600)),
        "Bearer " + issuer.token("it-user", ApiConfig.Auth.LOCAL_AUDIENCE, Instant.now().minusSeconds(120)),
        "Bearer " + new com.fleetstream.api.auth.LocalIssuer(ApiConfig.Auth.LOCAL_ISSUER, ApiConfig.Auth.LOCAL_AUDIENCE)
            .token("it-user", Duration.ofMinutes(5)));
    for (String authorization : bad) {
      HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve("vehicles")).GET();
      if (!authorization.isEmpty()) {
        request.header("Authorization", authorization);
      }
      assertThat(send(request, "/vehicles", "get", 401).get("error").asText()).as(authorization).isEqualTo("unauthorized");
    }
    // a bare token, as clients that send a Cognito token as it is do (API Gateway takes both)
    assertThat(send(HttpRequest.newBuilder(server.url().resolve("vehicles")).header("Authorization", token).GET(),
        "/vehicles", "get", 200).get("features")).hasSize(5);
    // the page, its files and the API's description need none
    HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(server.url()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>fleetstream: live map</title>");
    assertThat(HTTP.send(HttpRequest.newBuilder(server.url().resolve("web/vendor/leaflet/leaflet.js")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "web/%2e%2e/openapi.json")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    // where the map signs in: locally, the API's own stand-in of the hosted UI
    assertThat(JSON.readTree(HTTP.send(HttpRequest.newBuilder(server.url().resolve("config.json")).build(),
        HttpResponse.BodyHandlers.ofString()).body())).isEqualTo(JSON.createObjectNode()
            .put("authorize_url", "/oauth2/authorize").put("token_url", "/oauth2/token")
            .put("client_id", ApiConfig.Auth.LOCAL_AUDIENCE).put("scope", "openid"));
  }

  /**
   * The map, in Chromium, signs its user in with an authorization code and PKCE at the local stand-in
   * of the hosted UI (S256, a state, nothing left in storage, no token in any address, the token in
   * memory only, a forged answer refused), then shows every vehicle, the clicked one's track, the
   * alerts and a geofence whose name is markup as text, under a CSP that admits no inline script.
   */
  @Test
  void theMapSignsInWithPkceAndShowsEveryVehicleAndTheClickedOnesTrackInChromium() throws Exception {
    Path screenshot = ProjectPaths.root().resolve("api/target/map.png");
    Files.createDirectories(screenshot.getParent());
    Process node = new ProcessBuilder("node", ProjectPaths.root().resolve("tools/web/map-check.js").toString(),
        server.url().toString(), "it-user", screenshot.toString(), "truck-a", "van-d").redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    JsonNode seen = JSON.readTree(output.lines().reduce((a, b) -> b).orElseThrow());

    List<String> vehicles = TestPostgres.rows(servers.db(), "SELECT vehicle_id FROM fleet.vehicle_position_latest "
        + "ORDER BY vehicle_id").stream().map(r -> (String) r.get(0)).toList();
    assertThat(JSON.convertValue(seen.get("markers"), List.class)).isEqualTo(vehicles);
    assertFleetListAsPostgresHoldsIt(seen);
    assertThat(seen.get("geofences").asInt()).isEqualTo(1);
    assertThat(seen.get("tooltip").toString()).as("the geofence's name, as text")
        .isEqualTo(JSON.createObjectNode().put("text", FENCE_NAME).put("elements", 0).toString());
    assertThat(seen.get("dialogs")).isEmpty();
    assertThat(seen.get("csp").asText()).contains("script-src 'self'", "frame-ancestors 'none'");
    assertThat(seen.get("land").asInt()).as("the offline base layer's land outlines").isPositive();
    assertThat(seen.get("selected").asText()).isEqualTo("truck-a");
    assertThat(seen.get("positions").asLong()).isEqualTo(TestPostgres.count(servers.db(),
        "SELECT count(*) FROM fleet.vehicle_position_history WHERE vehicle_id = 'truck-a'")).isEqualTo(FIXES);
    assertThat(seen.get("track").asInt()).isEqualTo(1);
    assertThat(seen.get("alerts").toString()).contains("truck-a");
    assertThat(seen.get("signInShown").asBoolean()).isTrue();
    assertThat(JSON.convertValue(seen.get("authorize"), Map.class)).isEqualTo(Map.of("response_type", "code",
        "client_id", ApiConfig.Auth.LOCAL_AUDIENCE, "redirect_uri", server.url().toString(), "scope", "openid",
        "code_challenge_method", "S256", "state", seen.at("/authorize/state").asText()));
    assertThat(seen.at("/authorize/state").asText()).hasSizeGreaterThanOrEqualTo(22);
    assertThat(seen.get("challengeShape").asBoolean()).isTrue();
    assertThat(seen.get("pendingLeft").asInt()).as("the verifier and state, gone from storage").isZero();
    assertThat(seen.get("addressAfterSignIn").asText()).as("the code, gone from the address")
        .isEqualTo(server.url().toString());
    // a JWT is three base64url parts joined by dots, its header starting eyJ ('{"'); the one-time
    // code is random base64url without dots, and may hold "eyJ" by chance
    assertThat(seen.get("addresses")).as("no address the page was at holds a token").noneSatisfy(a ->
        assertThat(a.asText()).containsPattern("token|eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\."));
    assertThat(seen.get("forged").asText()).isEqualTo("Sign-in failed: the answer was not for this page.");
    assertThat(seen.get("errors")).as("the page's console errors").isEmpty();
    assertThat(screenshot).isNotEmptyFile();
  }

  /**
   * The fleet list and the markers give each vehicle the status its newest fix in PostgreSQL gives it,
   * by the page's rule: offline when 15 minutes older than the fleet's newest fix, else moving from
   * 1 km/h, else parked with the engine off and idle with it on; search and the status filter leave
   * shown exactly the vehicles they match, and a vehicle picked from the list with the keyboard is
   * selected; the alerts' filters by kind and by vehicle leave shown exactly PostgreSQL's alerts of
   * that kind or vehicle.
   */
  private static void assertFleetListAsPostgresHoldsIt(JsonNode seen) throws Exception {
    List<List<Object>> latest = TestPostgres.rows(servers.db(), "SELECT vehicle_id, event_time, speed_kmh, "
        + "engine_status FROM fleet.vehicle_position_latest ORDER BY vehicle_id");
    Instant asOf = latest.stream().map(r -> ((java.sql.Timestamp) r.get(1)).toInstant()).max(Instant::compareTo)
        .orElseThrow();
    Map<String, String> statuses = new TreeMap<>();
    List<List<String>> rows = new ArrayList<>();
    // a fix's time as the list shows it, UTC: the time alone on the newest fix's day, else day and minute
    DateTimeFormatter sameDay = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    DateTimeFormatter otherDay = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    for (List<Object> r : latest) {
      Instant at = ((java.sql.Timestamp) r.get(1)).toInstant();
      Double speed = r.get(2) == null ? null : ((Number) r.get(2)).doubleValue();
      String status = Duration.between(at, asOf).compareTo(Duration.ofMinutes(15)) > 0 ? "offline"
          : speed != null && speed >= 1 ? "moving" : "off".equals(r.get(3)) ? "parked" : "idle";
      statuses.put((String) r.get(0), status);
      String when = (at.atOffset(ZoneOffset.UTC).toLocalDate().equals(asOf.atOffset(ZoneOffset.UTC).toLocalDate())
          ? sameDay : otherDay).format(at);
      rows.add(List.of((String) r.get(0), status.equals("offline") ? "offline since " + when : status,
          speed == null ? "" : String.format(Locale.ROOT, "%.1f", speed)));
    }
    assertThat(JSON.convertValue(seen.get("markerStatus"), Map.class)).isEqualTo(statuses);
    assertThat(JSON.convertValue(seen.get("fleet"), List.class)).isEqualTo(rows);
    assertThat(JSON.convertValue(seen.get("searched"), List.class)).containsExactly("truck-a", "truck-b");
    for (String status : List.of("moving", "idle", "parked", "offline")) {
      assertThat(JSON.convertValue(seen.at("/filtered/" + status), List.class)).as(status).isEqualTo(
          statuses.entrySet().stream().filter(e -> e.getValue().equals(status)).map(Map.Entry::getKey).toList());
    }
    assertThat(seen.get("listSelected").asText()).isEqualTo("van-d");

    List<String> alerts = TestPostgres.rows(servers.db(), "SELECT entity_id || '/' || rule || '/' || kind "
        + "FROM fleet.alerts ORDER BY event_time DESC, alert_id").stream().map(r -> (String) r.get(0)).toList();
    Map<String, List<String>> filters = new TreeMap<>(Map.of("all", alerts, "entity:truck-b",
        alerts.stream().filter(a -> a.startsWith("truck-b/")).toList()));
    alerts.stream().map(a -> a.substring(a.lastIndexOf('/') + 1)).distinct().forEach(kind -> filters.put("kind:" + kind,
        alerts.stream().filter(a -> a.endsWith("/" + kind)).toList()));
    assertThat(JSON.convertValue(seen.get("alertFilters"), Map.class)).isEqualTo(filters);
    assertThat(alerts).as("alerts to filter").isNotEmpty();
  }

  /**
   * A renter sees its car within its rental and nothing else: every other vehicle, and its car
   * before the rental, answer exactly as a vehicle that does not exist.
   */
  @Test
  void aRenterSeesOnlyItsCarWithinItsRental() throws Exception {
    String as = api.localIssuer().orElseThrow().token(RENTER, Duration.ofMinutes(10));
    JsonNode fleet = get(as, "vehicles", "/vehicles", 200);
    assertThat(fleet.get("features")).singleElement().satisfies(f -> assertThat(f.get("id").asText()).isEqualTo("truck-b"));
    assertThat(get(as, "vehicles/truck-b/location", "/vehicles/{id}/location", 200))
        .isEqualTo(get("vehicles/truck-b/location", "/vehicles/{id}/location", 200));

    String track = "start=" + q(T0.toString()) + "&end=" + q(T0.plus(Duration.ofMinutes(FIXES)).toString());
    List<String> ids = new ArrayList<>();
    get(as, "vehicles/truck-b/positions?" + track + "&limit=100", "/vehicles/{id}/positions", 200).get("positions")
        .forEach(p -> ids.add(p.get("event_id").asText()));
    List<String> rented = new ArrayList<>();
    for (int i = 5; i < FIXES; i++) {
      rented.add("b-" + i);
    }
    assertThat(ids).containsExactlyElementsOf(rented);
    List<String> windows = new ArrayList<>();
    get(as, "vehicles/truck-b/windows?start=" + q(T0.toString()), "/vehicles/{id}/windows", 200).get("windows")
        .forEach(w -> windows.add(w.get("window_start").asText()));
    assertThat(windows).as("the window from T0 began before the rental").containsExactly(
        T0.plus(Duration.ofMinutes(10)).toString());
    assertThat(get(as, "alerts?since=" + q(T0.toString()), "/alerts", 200).get("alerts"))
        .as("truck-a's geofence alert").isEmpty();

    String beforeRental = "start=" + q(T0.toString()) + "&end=" + q(RENTAL_START.toString());
    String day = T0.toString().substring(0, 10);
    for (String path : List.of("vehicles/truck-b/positions?" + beforeRental, "vehicles/truck-a/location",
        "vehicles/truck-a/positions?" + track, "vehicles/truck-a/windows", "vehicles/van-d/trips?day=" + day)) {
      looksUnknown(as, path);
    }
    JsonNode refused = post(as, fix("truck-b", "renter-1", Instant.now().toString(), 53.6, 9.95, 20), 422);
    assertThat(refused.at("/results/0/reason").asText()).isEqualTo("not_permitted");
  }

  /**
   * The seed clients' exact requests: the bus tracker's PutRecord body (sent in the setup) and its
   * {@code GET ?busId=}, with a bare token; the car-rental app's reads as its renter, which see what
   * the renter's grant covers and nothing else.
   */
  @Test
  void theSeedClientsRequestsWorkUnchanged() throws Exception {
    assertThat(List.of(busPosted.get("accepted").asInt(), busPosted.get("rejected").asInt())).containsExactly(1, 0);
    JsonNode bus = send(HttpRequest.newBuilder(server.url().resolve("compat/bus?busId=" + BUS))
        .header("Authorization", token).GET(), "/compat/bus", "get", 200);
    assertThat(List.of(bus.get("id").asText(), bus.at("/geometry/coordinates").toString()))
        .containsExactly(BUS, "[12.34567,76.54321]");
    assertThat(bus).isEqualTo(get("vehicles/" + BUS + "/location", "/vehicles/{id}/location", 200));
    JsonNode envelope = JSON.readTree(BUS_ENVELOPE);
    assertThat(send(HttpRequest.newBuilder(server.url().resolve("compat/bus")).header("Authorization", token)
        .POST(HttpRequest.BodyPublishers.ofString(((com.fasterxml.jackson.databind.node.ObjectNode) envelope.deepCopy())
            .put("Data", "not base64!").toString())), "/compat/bus", "post", 400).get("parameter").asText())
        .isEqualTo("Data");
    assertThat(send(HttpRequest.newBuilder(server.url().resolve("compat/bus")).header("Authorization", token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"Data\":\"e30=\"}")), "/compat/bus", "post", 400)
        .get("parameter").asText()).isEqualTo("PartitionKey");

    String as = api.localIssuer().orElseThrow().token(RENTER, Duration.ofMinutes(10));
    assertThat(get(as, "cars/truck-b/location", "/cars/{id}/location", 200))
        .isEqualTo(get(as, "vehicles/truck-b/location", "/vehicles/{id}/location", 200));
    String range = "start=" + q(T0.toString()) + "&end=" + q(T0.plus(Duration.ofMinutes(FIXES)).toString());
    assertThat(get(as, "cars/truck-b/locations?" + range, "/cars/{id}/locations", 200))
        .isEqualTo(get(as, "vehicles/truck-b/positions?" + range, "/vehicles/{id}/positions", 200));
    looksUnknown(as, "cars/truck-a/location");
    looksUnknown(as, "cars/truck-a/locations?" + range);

    // every answer of a seed client's route says it is deprecated, until when, and what replaces it
    for (Map.Entry<String, String> route : Map.of("cars/truck-b/location", "/vehicles/truck-b/location",
        "cars/truck-b/locations?" + range, "/vehicles/truck-b/positions",
        "compat/bus?busId=" + BUS, "/vehicles/" + BUS + "/location").entrySet()) {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(server.url().resolve(route.getKey()))
          .header("Authorization", "Bearer " + (route.getKey().startsWith("cars") ? as : token)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(route.getKey()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Deprecation")).as(route.getKey())
          .contains("@" + Instant.parse("2026-12-07T00:00:00Z").getEpochSecond());
      assertThat(answer.headers().firstValue("Sunset")).contains("Wed, 30 Jun 2027 00:00:00 GMT");
      assertThat(answer.headers().firstValue("Link")).contains("<" + route.getValue() + ">; rel=\"successor-version\"");
    }
    assertThat(HTTP.send(HttpRequest.newBuilder(server.url().resolve("vehicles/truck-b/location"))
        .header("Authorization", "Bearer " + as).build(), HttpResponse.BodyHandlers.discarding()).headers()
        .firstValue("Deprecation")).as("the routes that replace them").isEmpty();
    for (String compat : List.of("/cars/{id}/location", "/cars/{id}/locations", "/compat/bus")) {
      openApi.path("paths").path(compat).fields().forEachRemaining(op -> assertThat(op.getValue().path("deprecated")
          .asBoolean()).as("openapi.json: %s %s is deprecated", op.getKey(), compat).isTrue());
    }
  }

  /** A vehicle's tracker sends as that vehicle only, at most minutes ahead, and reads nothing. */
  @Test
  void aDeviceSendsOnlyAsItsOwnVehicle() throws Exception {
    String as = api.localIssuer().orElseThrow().token(DEVICE, Duration.ofMinutes(10));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    JsonNode sent = post(as, "[" + fix("van-d", "dev-1", now.toString(), 50.99, 6.96, 10) + ","
        + fix("truck-a", "dev-2", now.toString(), 52.52, 13.40, 10) + ","
        + fix("van-d", "dev-3", now.plus(Duration.ofMinutes(10)).toString(), 50.99, 6.96, 10) + "]", 200);
    List<String> outcomes = new ArrayList<>();
    sent.get("results").forEach(r -> outcomes.add(r.get("status").asText() + " " + r.path("reason").asText("")));
    assertThat(outcomes).containsExactly("accepted ", "rejected not_permitted", "rejected timestamp_in_future");

    assertThat(get(as, "vehicles", "/vehicles", 200).get("features")).isEmpty();
    looksUnknown(as, "vehicles/van-d/location");
  }

  /** Another tenant's operator, and a user with no grant at all, see nothing of acme's and send nothing. */
  @Test
  void anotherTenantSeesNothing() throws Exception {
    for (String principal : List.of(OTHER_TENANT, "nobody-granted")) {
      String as = api.localIssuer().orElseThrow().token(principal, Duration.ofMinutes(10));
      assertThat(get(as, "vehicles", "/vehicles", 200).get("features")).as(principal).isEmpty();
      assertThat(get(as, "alerts?since=" + q(T0.toString()), "/alerts", 200).get("alerts")).as(principal).isEmpty();
      looksUnknown(as, "vehicles/truck-a/location");
      looksUnknown(as, "vehicles/truck-a/windows");
      assertThat(post(as, fix("truck-a", "other-1", Instant.now().toString(), 52.52, 13.40, 10), 422)
          .at("/results/0/reason").asText()).isEqualTo("not_permitted");
    }
  }

  /**
   * Access is the database's, not the routes': every table the API's role may read is filtered by
   * row-level security, every view it may read filters by the principal, and a session that names no
   * principal reads no row of any of them.
   */
  @Test
  void everyRelationTheApiReadsIsScopedToThePrincipal() throws Exception {
    List<List<Object>> readable = TestPostgres.rows(servers.db(), "SELECT c.relname, c.relkind::text, c.relrowsecurity, "
        + "coalesce(pg_get_viewdef(c.oid), '') LIKE '%fleet.principal()%' FROM pg_class c JOIN pg_namespace n ON "
        + "n.oid = c.relnamespace WHERE n.nspname = 'fleet' AND c.relkind IN ('r', 'p', 'v', 'm') "
        + "AND has_table_privilege('api_reader', c.oid, 'SELECT') ORDER BY 1");
    assertThat(readable).extracting(r -> r.get(0)).contains("vehicle_position_latest", "vehicle_position_history",
        "vehicle_window_stats", "trips", "stops", "alerts");
    assertThat(readable).allSatisfy(r -> assertThat(r.get(1).equals("v") ? r.get(3) : r.get(2))
        .as("%s is filtered by principal", r.get(0)).isEqualTo(true));
    try (Connection c = java.sql.DriverManager.getConnection(servers.db().jdbcUrl(), ROLE, "api-password");
        Statement s = c.createStatement()) {
      for (List<Object> r : readable) {
        try (var rs = s.executeQuery("SELECT count(*) FROM fleet." + r.get(0))) {
          rs.next();
          assertThat(rs.getLong(1)).as("rows of fleet.%s without a principal", r.get(0)).isZero();
        }
      }
    }
    assertThat(TestPostgres.count(servers.db(), "SELECT count(*) FROM fleet.vehicle_position_history"))
        .as("the superuser's view").isEqualTo(4L * FIXES + 1);
  }

  /**
   * The caller's answer for a vehicle of the path is exactly what it gets for a vehicle no one has,
   * so nothing tells "not yours" from "not there".
   */
  private static void looksUnknown(String as, String path) throws IOException, InterruptedException {
    String template = "/" + path.replaceFirst("^(vehicles|cars)/[^/?]+", "$1/{id}").replaceFirst("\\?.*", "");
    String id = path.replaceFirst("^(vehicles|cars)/([^/?]+).*", "$2");
    JsonNode answer = get(as, path, template, 404);
    JsonNode unknown = get(as, path.replace("/" + id, "/no-such-vehicle"), template, 404);
    assertThat(answer.toString()).as(path).isEqualTo(unknown.toString().replace("no-such-vehicle", id));
  }

  private static String badParameter(String path, String template) throws IOException, InterruptedException {
    JsonNode error = get(path, template, 400);
    assertThat(error.get("error").asText()).isEqualTo("bad_parameter");
    return error.get("parameter").asText();
  }

  private static JsonNode get(String path, String template, int status) throws IOException, InterruptedException {
    return get(token, path, template, status);
  }

  private static JsonNode get(String as, String path, String template, int status)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(server.url().resolve(path)).header("Authorization", "Bearer " + as).GET(),
        template, "get", status);
  }

  private static JsonNode post(String body, int status) throws IOException, InterruptedException {
    return post(token, body, status);
  }

  private static JsonNode post(String as, String body, int status) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(server.url().resolve("positions")).header("Authorization", "Bearer " + as)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), "/positions",
        "post", status);
  }

  /** Sends it, checks the status and that the OpenAPI document lists that status for the route. */
  private static JsonNode send(HttpRequest.Builder request, String template, String method, int status)
      throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode operation = openApi.path("paths").path(template).path(method);
    assertThat(operation.isMissingNode()).as("%s %s in openapi.json", method, template).isFalse();
    assertThat(operation.path("responses").has(Integer.toString(status)))
        .as("openapi.json lists %d for %s %s", status, method, template).isTrue();
    return JSON.readTree(response.body());
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
