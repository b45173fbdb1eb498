package com.fleetstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The OpenAPI document the API serves lists exactly its routes; ApiIT checks each answer's status against it. */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void listsEveryRouteAndNoOther() throws IOException {
    JsonNode doc = JSON.readTree(FleetApi.class.getClassLoader().getResourceAsStream("openapi.json"));
    List<String> documented = new ArrayList<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method ->
        documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    FleetApi api = new FleetApi(ApiConfig.parse("--PG_URL", "jdbc:postgresql://localhost/fleet", "--PG_USER", "x"),
        null, Optional.empty(), null, null, Clock.systemUTC());
    assertThat(documented).containsExactlyInAnyOrderElementsOf(api.routes());
  }

  @Test
  void everyAuthenticatedOperationDocumentsItsErrors() throws IOException {
    JsonNode doc = JSON.readTree(FleetApi.class.getClassLoader().getResourceAsStream("openapi.json"));
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      boolean open = op.getValue().has("security") && op.getValue().get("security").isEmpty();
      if (!open) {
        assertThat(op.getValue().get("responses").has("401")).as(op.getKey() + " " + path.getKey()).isTrue();
      }
    }));
  }
}
