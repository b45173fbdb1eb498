package com.fleetstream.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Stands in for the Cognito user pool where there is none (the local run, the tests): an RSA key
 * made at start signs tokens shaped like Cognito's access tokens, and its public half is the JWKS
 * the {@link TokenVerifier} checks them with, as it checks Cognito's in AWS.
 */
public final class LocalIssuer {
  private final RSAKey key;
  private final String issuer;
  private final String clientId;

  public LocalIssuer(String issuer, String clientId) {
    try {
      this.key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    this.issuer = issuer;
    this.clientId = clientId;
  }

  public JWKSource<SecurityContext> publicKeys() {
    return new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()));
  }

  public String token(String subject, Duration validFor) {
    return token(subject, clientId, Instant.now().plus(validFor));
  }

  /** A token for any client and expiry, so tests can make the ones the API must refuse. */
  public String token(String subject, String client, Instant expires) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).claim("client_id", client)
        .claim("token_use", "access").issueTime(Date.from(now)).expirationTime(Date.from(expires)).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
