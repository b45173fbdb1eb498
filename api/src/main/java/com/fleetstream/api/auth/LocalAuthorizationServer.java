package com.fleetstream.api.auth;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Stands in for Cognito's hosted UI where there is none (the local run, the tests), with the same two
 * endpoints and what Cognito checks on them for a public client: {@code GET /oauth2/authorize}
 * (response type {@code code}, the app client, a redirect to the server's own origin, a {@code state},
 * an S256 {@code code_challenge}) asks for a user name and redirects back with a one-time code;
 * {@code POST /oauth2/token} exchanges that code once, within a minute, for the same redirect and a
 * {@code code_verifier} whose SHA-256 is the challenge, for an access token the {@link LocalIssuer}
 * signs. Errors are RFC 6749's: about the client or redirect a 400 page (never a redirect to an
 * unchecked address); the rest back to the redirect as {@code error=}; the token endpoint's as JSON.
 * There is no password: it is a local stand-in, on loopback only.
 */
public final class LocalAuthorizationServer {
  /** RFC 7636: 43 to 128 characters of the unreserved set. */
  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9\\-_]{43}");
  private static final Duration CODE_LIFETIME = Duration.ofMinutes(1);
  private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** An answer: a status, and a page, a JSON body or a redirect. */
  public record Answer(int status, String contentType, String body, Optional<URI> location) {
    static Answer redirect(URI to) {
      return new Answer(302, "text/plain", "", Optional.of(to));
    }
  }

  private record Grant(String subject, String redirectUri, String challenge, Instant expires) {}

  private final LocalIssuer issuer;
  private final String clientId;
  private final Clock clock;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();

  public LocalAuthorizationServer(LocalIssuer issuer, String clientId, Clock clock) {
    this.issuer = issuer;
    this.clientId = clientId;
    this.clock = clock;
  }

  /**
   * {@code GET /oauth2/authorize}: without a {@code username}, the sign-in page (a form back here with
   * the same parameters); with one, the redirect carrying the code.
   *
   * @param origin the server's own origin ({@code http://127.0.0.1:8080}): the only redirect accepted
   */
  public Answer authorize(Map<String, String> q, String origin) {
    String redirect = q.get("redirect_uri");
    if (!clientId.equals(q.get("client_id"))) {
      return refusal("Sign-in refused: unknown client_id.");
    }
    if (redirect == null || !redirect.equals(origin + "/")) {
      return refusal("Sign-in refused: redirect_uri must be " + origin + "/.");
    }
    String state = q.get("state");
    if (!"code".equals(q.get("response_type"))) {
      return back(redirect, "unsupported_response_type", state);
    }
    String challenge = q.get("code_challenge");
    if (state == null || state.isEmpty() || !"S256".equals(q.get("code_challenge_method")) || challenge == null
        || !CHALLENGE.matcher(challenge).matches()) {
      return back(redirect, "invalid_request", state);
    }
    String user = q.get("username");
    if (user == null || user.isBlank()) {
      return signInPage(q);
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    codes.put(code, new Grant(user.strip(), redirect, challenge, clock.instant().plus(CODE_LIFETIME)));
    return Answer.redirect(URI.create(redirect + "?code=" + code + "&state=" + encode(state)));
  }

  /** {@code POST /oauth2/token}, its form already decoded. */
  public Answer token(Map<String, String> form) {
    if (!"authorization_code".equals(form.get("grant_type"))) {
      return error(400, "unsupported_grant_type");
    }
    if (!clientId.equals(form.get("client_id"))) {
      return error(401, "invalid_client");
    }
    // a code is good once, whatever the outcome
    Grant grant = form.get("code") == null ? null : codes.remove(form.get("code"));
    String verifier = form.get("code_verifier");
    if (grant == null || clock.instant().isAfter(grant.expires()) || !grant.redirectUri().equals(
        form.get("redirect_uri")) || verifier == null || !VERIFIER.matcher(verifier).matches()
        || !MessageDigest.isEqual(grant.challenge().getBytes(StandardCharsets.US_ASCII),
            s256(verifier).getBytes(StandardCharsets.US_ASCII))) {
      return error(400, "invalid_grant");
    }
    return new Answer(200, "application/json", "{\"access_token\":\"" + issuer.token(grant.subject(), TOKEN_LIFETIME)
        + "\",\"token_type\":\"Bearer\",\"expires_in\":" + TOKEN_LIFETIME.toSeconds() + "}", Optional.empty());
  }

  /** RFC 7636's S256: the verifier's SHA-256, base64url without padding. */
  public static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Answer back(String redirect, String error, String state) {
    return Answer.redirect(URI.create(redirect + "?error=" + error + (state == null ? "" : "&state=" + encode(state))));
  }

  private static Answer error(int status, String error) {
    return new Answer(status, "application/json", "{\"error\":\"" + error + "\"}", Optional.empty());
  }

  private static Answer signInPage(Map<String, String> q) {
    StringBuilder hidden = new StringBuilder();
    for (String key : new String[] {"response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge",
        "code_challenge_method"}) {
      if (q.get(key) != null) {
        hidden.append("<input type=\"hidden\" name=\"").append(key).append("\" value=\"").append(html(q.get(key)))
            .append("\">");
      }
    }
    return page(200, "<h1>Sign in</h1>"
        + "<p>The local run's stand-in for the user pool's sign-in page: any principal name, no password.</p>"
        + "<form method=\"get\" action=\"/oauth2/authorize\">" + hidden
        + "<label>User <input id=\"username\" name=\"username\" autocomplete=\"username\" required></label>"
        + "<button id=\"sign-in\" type=\"submit\">Sign in</button></form>");
  }

  private static Answer refusal(String text) {
    return page(400, "<p>" + html(text) + "</p>");
  }

  /** A page around {@code body} (markup this class made, every value in it escaped). */
  private static Answer page(int status, String body) {
    return new Answer(status, "text/html; charset=utf-8", "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>fleetstream: sign in (local)</title><link rel=\"icon\" href=\"data:,\"></head><body>" + body
        + "</body></html>", Optional.empty());
  }

  private static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
