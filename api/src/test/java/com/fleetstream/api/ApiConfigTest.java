package com.fleetstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.args.InvalidArgumentException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {
  private static final String URL = "jdbc:postgresql://db.internal:5432/fleet";

  @Test
  void readsTheLambdasEnvironmentAsArguments() {
    ApiConfig c = ApiConfig.parse(ApiConfig.fromEnvironment(Map.of("PG_URL", URL, "PG_SECRET_ID", "fleet/api",
        "LOCATION_STREAM", "fleet-locations", "JWKS_URL", "https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json",
        "JWT_ISSUER", "https://cognito-idp.eu-west-1.amazonaws.com/pool", "JWT_AUDIENCE", "client-1",
        "MAX_RANGE", "P2D", "AWS_LAMBDA_FUNCTION_NAME", "ignored", "PATH", "/usr/bin")));
    assertThat(c.pgSecretId()).contains("fleet/api");
    assertThat(c.locationStream()).contains("fleet-locations");
    assertThat(c.auth().local()).isFalse();
    assertThat(c.auth().jwksUrl()).contains(URI.create(
        "https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json"));
    assertThat(c.maxRange()).isEqualTo(Duration.ofDays(2));
    assertThat(c.maxEventAge()).isEqualTo(Duration.ofDays(30));

    ApiConfig behindGateway = ApiConfig.parse(ApiConfig.fromEnvironment(Map.of("PG_URL", URL, "PG_SECRET_ID", "x",
        "AUTH", "api-gateway", "JWT_ISSUER", "https://issuer", "JWT_AUDIENCE", "client-1",
        "OAUTH_URL", "https://fleet.auth.eu-west-1.amazoncognito.com")));
    assertThat(behindGateway.auth()).isEqualTo(new ApiConfig.Auth(ApiConfig.Auth.Mode.API_GATEWAY, "https://issuer",
        "client-1", java.util.Optional.empty(), java.util.Optional.of(URI.create(
            "https://fleet.auth.eu-west-1.amazoncognito.com"))));
    // the hosted UI's origin, over HTTPS: the map adds the endpoints' paths, the CSP admits the origin
    for (String wrong : java.util.List.of("http://fleet.auth.eu-west-1.amazoncognito.com",
        "https://fleet.auth.eu-west-1.amazoncognito.com/login?response_type=token")) {
      assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL, "--PG_USER", "u", "--OAUTH_URL", wrong))
          .isInstanceOf(com.fleetstream.args.InvalidArgumentException.class).hasMessageContaining("OAUTH_URL");
    }
  }

  @Test
  void stopsAtStartNamingTheBadArgument() {
    assertThatThrownBy(() -> ApiConfig.parse("--PG_USER", "x")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("PG_URL");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", "postgres://x", "--PG_USER", "x"))
        .hasMessageContaining("PG_URL");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL)).hasMessageContaining("PG_SECRET_ID");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL, "--PG_USER", "x", "--MAX_RANGE", "7 days"))
        .hasMessageContaining("MAX_RANGE");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL, "--PG_USER", "x", "--MAX_RANGE", "-P1D"))
        .hasMessageContaining("MAX_RANGE");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL, "--PG_USER", "x", "--JWKS_URL", "https://x/jwks.json"))
        .hasMessageContaining("JWT_ISSUER");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL, "--PG_USER", "x", "--AUTH", "api-gateway",
        "--JWT_ISSUER", "i", "--JWT_AUDIENCE", "a", "--JWKS_URL", "https://x/jwks.json")).hasMessageContaining("JWKS_URL");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL, "--PG_USER", "x", "--AUTH", "cookies"))
        .hasMessageContaining("AUTH");
    assertThatThrownBy(() -> ApiConfig.parse("--PG_URL", URL, "--PG_USER", "x", "--LIMIT", "5"))
        .hasMessageContaining("LIMIT");
  }
}
