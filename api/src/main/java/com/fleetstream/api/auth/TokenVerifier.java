package com.fleetstream.api.auth;

import com.fleetstream.api.http.ApiError;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code Authorization: Bearer <JWT>} (or the bare JWT): an RS256 signature by a key of the JWKS, the issuer,
 * an expiry in the future, and the app client, which Cognito puts in an access token's
 * {@code client_id} and an id token's {@code aud}. API Gateway's JWT authorizer checks the same
 * before the Lambda runs; checking again here keeps the API safe behind any other front end.
 */
public final class TokenVerifier {
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final String issuer;
  private final String audience;

  /** @param keys null where API Gateway verifies the tokens ({@link #verifiedClaims}) */
  public TokenVerifier(String issuer, String audience, JWKSource<SecurityContext> keys) {
    this.issuer = issuer;
    this.audience = audience;
    processor.setJWSKeySelector(keys == null ? null : new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat")));
  }

  /** A user pool's keys, fetched once and cached, refreshed when a token names a key not yet seen. */
  public static TokenVerifier forJwks(String issuer, String audience, URI jwks) {
    try {
      return new TokenVerifier(issuer, audience, JWKSourceBuilder.create(jwks.toURL()).retrying(true).build());
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("JWKS_URL: " + e.getMessage(), e);
    }
  }

  /**
   * The claims of a token API Gateway's JWT authorizer verified (signature, expiry): checked again for
   * issuer and client, so a route left without the authorizer, or one of another pool, is refused.
   *
   * @return the token's subject
   */
  public String verifiedClaims(java.util.Map<String, String> claims) {
    if (!issuer.equals(claims.get("iss"))) {
      throw ApiError.unauthorized("the bearer token is from another issuer");
    }
    if (!audience.equals(claims.get("client_id")) && !audience.equals(claims.get("aud"))) {
      throw ApiError.unauthorized("the bearer token is for another client");
    }
    return claims.get("sub");
  }

  /**
   * @param authorization the header: {@code Bearer <token>} or the bare token, as API Gateway's JWT
   *     authorizer takes both (clients that send a Cognito token as it is work the same here)
   * @return the token's subject
   */
  public String verify(String authorization) {
    String token = authorization == null ? "" : authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).strip() : authorization.strip();
    if (token.isEmpty()) {
      throw ApiError.unauthorized("an Authorization: Bearer <token> header is required");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException | BadJOSEException | JOSEException e) {
      throw ApiError.unauthorized("the bearer token is not valid: " + e.getMessage());
    }
    Object clientId = claims.getClaim("client_id");
    List<String> aud = claims.getAudience();
    if (!audience.equals(clientId) && !aud.contains(audience)) {
      throw ApiError.unauthorized("the bearer token is for another client");
    }
    return claims.getSubject();
  }
}
