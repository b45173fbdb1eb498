package com.fleetstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fleetstream.api.auth.LocalIssuer;
import com.fleetstream.api.auth.TokenVerifier;
import com.fleetstream.api.ingest.PositionIngest;
import com.fleetstream.api.read.GeofenceFeatures;
import com.fleetstream.api.read.Reports;
import com.fleetstream.geo.Geofence;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The API with its connections: the reporting database as a pool, Kinesis for ingestion, the
 * geofences read once, and the token check (Cognito's JWKS, or a {@link LocalIssuer}).
 */
public final class Api implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HikariDataSource db;
  private final FleetApi routes;
  private final Optional<LocalIssuer> issuer;

  private Api(HikariDataSource db, FleetApi routes, Optional<LocalIssuer> issuer) {
    this.db = db;
    this.routes = routes;
    this.issuer = issuer;
  }

  public static Api start(ApiConfig config) {
    Optional<LocalIssuer> issuer = config.auth().local()
        ? Optional.of(new LocalIssuer(config.auth().issuer(), config.auth().audience())) : Optional.empty();
    TokenVerifier tokens = issuer.map(i -> new TokenVerifier(config.auth().issuer(), config.auth().audience(),
        i.publicKeys())).orElseGet(() -> TokenVerifier.forJwks(config.auth().issuer(), config.auth().audience(),
        config.auth().jwksUrl().orElseThrow()));
    HikariDataSource db = pool(config);
    Optional<PositionIngest> ingest = config.locationStream().map(stream -> new PositionIngest(
        client(KinesisClient.builder(), config), stream, config.maxEventAge(), Clock.systemUTC()));
    ObjectNode geofences = GeofenceFeatures.of(config.geofences().map(uri -> Geofence.parseAll(read(uri, config)))
        .orElse(List.of()));
    return new Api(db, new FleetApi(config, new Reports(db), ingest, geofences, tokens, Clock.systemUTC()), issuer);
  }

  public FleetApi routes() {
    return routes;
  }

  /** Locally, where no user pool signs tokens: the issuer that does. */
  public Optional<LocalIssuer> localIssuer() {
    return issuer;
  }

  /**
   * Read-only sessions with a short statement timeout: an API request is no report, and a slow one
   * must not hold a pooled connection.
   */
  private static HikariDataSource pool(ApiConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("fleet-api");
    hikari.setJdbcUrl(config.pgUrl());
    String[] login = config.pgSecretId().map(id -> secret(id, config)).orElse(
        new String[] {config.pgUser(), config.pgPassword()});
    hikari.setUsername(login[0]);
    hikari.setPassword(login[1]);
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setReadOnly(true);
    hikari.setAutoCommit(true);
    hikari.addDataSourceProperty("options", "-c statement_timeout=10000");
    hikari.addDataSourceProperty("ApplicationName", "fleetstream-api");
    // the first connection is made now: a wrong URL or login stops the API at start, not on a request
    hikari.setInitializationFailTimeout(30_000);
    return new HikariDataSource(hikari);
  }

  /** {@code username} and {@code password} of a Secrets Manager secret (RDS's own shape). */
  private static String[] secret(String id, ApiConfig config) {
    try (SecretsManagerClient sm = client(SecretsManagerClient.builder(), config)) {
      JsonNode json = JSON.readTree(sm.getSecretValue(b -> b.secretId(id)).secretString());
      return new String[] {json.path("username").asText(), json.path("password").asText()};
    } catch (IOException e) {
      throw new IllegalArgumentException("PG_SECRET_ID: " + id + " does not hold JSON", e);
    }
  }

  private static String read(String location, ApiConfig config) {
    URI uri = URI.create(location);
    if ("s3".equals(uri.getScheme())) {
      try (S3Client s3 = client(S3Client.builder().forcePathStyle(config.awsEndpoint().isPresent()), config)) {
        return s3.getObjectAsBytes(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1))).asUtf8String();
      }
    }
    try {
      return Files.readString(uri.getScheme() == null ? Path.of(location) : Path.of(uri), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("GEOFENCES: cannot read " + location, e);
    }
  }

  /** Region and credentials from the environment (Lambda's), the endpoint overridden locally. */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
      ApiConfig config) {
    builder.httpClientBuilder(UrlConnectionHttpClient.builder());
    config.awsEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  @Override
  public void close() {
    db.close();
  }
}
