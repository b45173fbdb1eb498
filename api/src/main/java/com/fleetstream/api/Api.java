package com.fleetstream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fleetstream.api.auth.LocalAuthorizationServer;
import com.fleetstream.api.auth.LocalIssuer;
import com.fleetstream.api.auth.TokenVerifier;
import com.fleetstream.api.ingest.PositionIngest;
import com.fleetstream.api.read.GeofenceFeatures;
import com.fleetstream.api.read.Reports;
import com.fleetstream.geo.Geofence;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.postgres.PgDataSource;
import com.fleetstream.postgres.SecretRef;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The API with its connections: the reporting database as a pool, Kinesis for ingestion, the
 * geofences read once, and the token check (API Gateway's claims, a JWKS, or a {@link LocalIssuer}).
 */
public final class Api implements AutoCloseable {
  private final HikariDataSource db;
  private final FleetApi routes;
  private final Optional<LocalIssuer> issuer;
  private final Optional<LocalAuthorizationServer> authorization;

  private Api(HikariDataSource db, FleetApi routes, Optional<LocalIssuer> issuer, String clientId) {
    this.db = db;
    this.routes = routes;
    this.issuer = issuer;
    this.authorization = issuer.map(i -> new LocalAuthorizationServer(i, clientId, Clock.systemUTC()));
  }

  /** When the API first logs in to PostgreSQL. */
  public enum Connect {
    /** Now: a wrong URL or login stops the API at start (a server of its own, locally). */
    AT_START,
    /**
     * On the first request that reads: the Lambda, whose init runs when a version is published, maybe
     * before the API's login exists, and whose connections made then would be stale after a SnapStart
     * restore. A database that does not answer is a 503 for that request, and the next one tries again.
     */
    ON_FIRST_QUERY
  }

  public static Api start(ApiConfig config) {
    return start(config, Connect.AT_START);
  }

  public static Api start(ApiConfig config, Connect connect) {
    ApiConfig.Auth auth = config.auth();
    Optional<LocalIssuer> issuer = auth.local() ? Optional.of(new LocalIssuer(auth.issuer(), auth.audience()))
        : Optional.empty();
    TokenVerifier tokens = switch (auth.mode()) {
      case LOCAL -> new TokenVerifier(auth.issuer(), auth.audience(), issuer.orElseThrow().publicKeys());
      case JWKS -> TokenVerifier.forJwks(auth.issuer(), auth.audience(), auth.jwksUrl().orElseThrow());
      case API_GATEWAY -> new TokenVerifier(auth.issuer(), auth.audience(), null);
    };
    ObjectNode geofences = GeofenceFeatures.of(config.geofences().map(uri -> Geofence.parseAll(read(uri, config)))
        .orElse(List.of()));
    HikariDataSource db = pool(config, connect);
    Optional<PositionIngest> ingest = config.locationStream().map(stream -> new PositionIngest(
        client(KinesisClient.builder(), "kinesis", config), stream, config.maxEventAge(), Clock.systemUTC()));
    return new Api(db, new FleetApi(config, new Reports(db), ingest, geofences, tokens, Clock.systemUTC()), issuer,
        auth.audience());
  }

  public FleetApi routes() {
    return routes;
  }

  /** Locally, where no user pool signs tokens: the issuer that does. */
  public Optional<LocalIssuer> localIssuer() {
    return issuer;
  }

  /** Locally, where there is no hosted UI: the sign-in the map uses instead (code with PKCE). */
  public Optional<LocalAuthorizationServer> localAuthorization() {
    return authorization;
  }

  /**
   * Read-only sessions with a short statement timeout (an API request is no report, and a slow one
   * must not hold a pooled connection), logging in with the secret's current password.
   */
  private static HikariDataSource pool(ApiConfig config, Connect connect) {
    String rootCert = config.pgSslRootCert().map(location -> read(location, config)).orElse(null);
    PgConnectionSpec spec = config.pgSecretId().map(id -> new SecretRef(id, config.region(),
            config.endpoint("secretsmanager").map(URI::toString).orElse(null), null))
        .map(secret -> connect == Connect.AT_START ? PgConnectionSpec.fromSecret(config.pgUrl(), secret)
            : PgConnectionSpec.fromSecretOnConnect(config.pgUrl(), secret))
        .orElseGet(() -> new PgConnectionSpec(config.pgUrl(), config.pgUser(), config.pgPassword()))
        .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5)).withStatementTimeout(Duration.ofSeconds(10))
        .withSslRootCert(rootCert);
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("fleet-api");
    hikari.setDataSource(new PgDataSource(spec));
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setReadOnly(true);
    // a request waits at most this for a connection, then answers 503 well within API Gateway's 30 s
    hikari.setConnectionTimeout(10_000);
    if (connect == Connect.AT_START) {
      hikari.setMinimumIdle(1);
      hikari.setInitializationFailTimeout(30_000);
    } else {
      // no connection until a request needs one: no idle connection is kept warm by a background thread
      hikari.setMinimumIdle(0);
      hikari.setInitializationFailTimeout(-1);
    }
    return new HikariDataSource(hikari);
  }

  private static String read(String location, ApiConfig config) {
    URI uri = URI.create(location);
    if ("s3".equals(uri.getScheme())) {
      try (S3Client s3 = client(S3Client.builder().forcePathStyle(config.endpoint("s3").isPresent()), "s3", config)) {
        return s3.getObjectAsBytes(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1))).asUtf8String();
      }
    }
    try {
      return Files.readString(uri.getScheme() == null ? Path.of(location) : Path.of(uri), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + location, e);
    }
  }

  /** Credentials from the environment (Lambda's), the endpoint overridden locally. */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
      String service, ApiConfig config) {
    builder.httpClientBuilder(UrlConnectionHttpClient.builder()).region(Region.of(config.region()));
    config.endpoint(service).ifPresent(builder::endpointOverride);
    return builder.build();
  }

  @Override
  public void close() {
    db.close();
  }
}
