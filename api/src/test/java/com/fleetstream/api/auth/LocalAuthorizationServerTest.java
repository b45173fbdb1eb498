package com.fleetstream.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.api.LocalApiServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local stand-in of the hosted UI answers as Cognito does a public client with PKCE (RFC 6749,
 * RFC 7636): a code for the checked client, redirect, state and challenge; the code good once, within
 * a minute, for the same redirect and the verifier whose SHA-256 is the challenge.
 */
class LocalAuthorizationServerTest {
  private static final String ORIGIN = "http://127.0.0.1:8080";
  private static final String CLIENT = "fleetstream-map";
  // RFC 7636, appendix B's example pair
  private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = new MutableClock();
  private final LocalIssuer issuer = new LocalIssuer("fleetstream-local", CLIENT);
  private final LocalAuthorizationServer server = new LocalAuthorizationServer(issuer, CLIENT, clock);

  private static Map<String, String> authorize(String... overrides) {
    Map<String, String> q = new HashMap<>(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri",
        ORIGIN + "/", "state", "s-1", "scope", "openid", "code_challenge", CHALLENGE, "code_challenge_method", "S256",
        "username", "operator@example.com"));
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        q.remove(overrides[i]);
      } else {
        q.put(overrides[i], overrides[i + 1]);
      }
    }
    return q;
  }

  private String code() {
    URI to = server.authorize(authorize(), ORIGIN).location().orElseThrow();
    return LocalApiServer.query(to.getRawQuery()).get("code");
  }

  private LocalAuthorizationServer.Answer exchange(String code, String verifier, String redirect) {
    Map<String, String> form = new HashMap<>(Map.of("grant_type", "authorization_code", "client_id", CLIENT,
        "redirect_uri", redirect));
    if (code != null) {
      form.put("code", code);
    }
    if (verifier != null) {
      form.put("code_verifier", verifier);
    }
    return server.token(form);
  }

  @Test
  void s256IsRfc7636sTransform() {
    assertThat(LocalAuthorizationServer.s256(VERIFIER)).isEqualTo(CHALLENGE);
  }

  @Test
  void aCodeForTheRightVerifierBecomesAnAccessTokenOnce() throws Exception {
    assertThat(server.authorize(authorize("username", null), ORIGIN)).satisfies(page -> {
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body()).contains("name=\"code_challenge\" value=\"" + CHALLENGE + "\"", "id=\"username\"");
    });
    URI back = server.authorize(authorize(), ORIGIN).location().orElseThrow();
    assertThat(back.toString()).startsWith(ORIGIN + "/?code=").endsWith("&state=s-1");
    String code = LocalApiServer.query(back.getRawQuery()).get("code");

    LocalAuthorizationServer.Answer answer = exchange(code, VERIFIER, ORIGIN + "/");
    assertThat(answer.status()).isEqualTo(200);
    JsonNode tokens = JSON.readTree(answer.body());
    assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(new TokenVerifier("fleetstream-local", CLIENT, issuer.publicKeys()).verify(
        "Bearer " + tokens.get("access_token").asText())).isEqualTo("operator@example.com");
    assertThat(exchange(code, VERIFIER, ORIGIN + "/").body()).as("a code is good once").isEqualTo(
        "{\"error\":\"invalid_grant\"}");
  }

  @Test
  void theWrongVerifierRedirectOrALateExchangeGetsNoToken() {
    assertThat(exchange(code(), VERIFIER.replace('d', 'e'), ORIGIN + "/").body()).contains("invalid_grant");
    assertThat(exchange(code(), null, ORIGIN + "/").body()).contains("invalid_grant");
    assertThat(exchange(code(), VERIFIER, "http://127.0.0.1:9999/").body()).contains("invalid_grant");
    String code = code();
    clock.advance(Duration.ofSeconds(61));
    assertThat(exchange(code, VERIFIER, ORIGIN + "/").status()).isEqualTo(400);
    assertThat(server.token(Map.of("grant_type", "implicit")).body()).contains("unsupported_grant_type");
    assertThat(server.token(Map.of("grant_type", "authorization_code", "client_id", "other")).status()).isEqualTo(401);
  }

  @Test
  void anUncheckedClientOrRedirectIsNeverRedirectedTo() {
    for (Map<String, String> q : java.util.List.of(authorize("redirect_uri", "https://evil.example/"),
        authorize("client_id", "other"), authorize("redirect_uri", null))) {
      LocalAuthorizationServer.Answer answer = server.authorize(q, ORIGIN);
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.location()).isEmpty();
    }
    // the rest go back to the map with the error and its state (RFC 6749 4.1.2.1)
    assertThat(server.authorize(authorize("response_type", "token"), ORIGIN).location()).hasValueSatisfying(to ->
        assertThat(to.toString()).isEqualTo(ORIGIN + "/?error=unsupported_response_type&state=s-1"));
    assertThat(server.authorize(authorize("code_challenge", null), ORIGIN).location()).hasValueSatisfying(to ->
        assertThat(to.toString()).isEqualTo(ORIGIN + "/?error=invalid_request&state=s-1"));
    assertThat(server.authorize(authorize("code_challenge_method", "plain"), ORIGIN).location())
        .hasValueSatisfying(to -> assertThat(to.toString()).contains("error=invalid_request"));
  }

  @Test
  void theSignInPageEscapesWhatItIsGiven() {
    String page = server.authorize(authorize("username", null, "state", "\"><script>alert(1)</script>"), ORIGIN)
        .body();
    assertThat(page).doesNotContain("<script>").contains("&quot;&gt;&lt;script&gt;");
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-07T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
