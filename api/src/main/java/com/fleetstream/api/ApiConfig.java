package com.fleetstream.api;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's settings, parsed once: {@code --KEY value} arguments for the local server, the same keys
 * as environment variables for the Lambda ({@link #fromEnvironment}). Durations are ISO-8601
 * ({@code P7D}, {@code PT1H}).
 *
 * @param pgUrl the reporting database, read as a role IN ROLE analyst
 * @param pgSecretId a Secrets Manager secret holding {@code username} and {@code password} (AWS; read
 *     again when a rotation changes it); otherwise {@code pgUser} and {@code pgPassword} (local)
 * @param pgSslRootCert the CA bundle (a path, {@code file:} or {@code s3:} URI): connections verify
 *     the server's certificate and name
 * @param poolSize connections per API process (a Lambda serves one request at a time: 2 is plenty)
 * @param locationStream where {@code POST /positions} puts fixes; empty: ingestion is off (405)
 * @param geofences the geofences JSON the location job reads (a path, {@code file:} or {@code s3:} URI)
 * @param endpoints per service (kinesis, s3, secretsmanager), a local stand-in's endpoint
 * @param auth how bearer tokens are checked
 * @param maxRange the longest {@code start..end} of a history request
 * @param maxEventAge as the location job's MAX_EVENT_AGE: older fixes are refused as it would quarantine them
 */
public record ApiConfig(String pgUrl, Optional<String> pgSecretId, String pgUser, String pgPassword,
    Optional<String> pgSslRootCert, int poolSize, String region, Optional<String> locationStream,
    Optional<String> geofences, Map<String, URI> endpoints, Auth auth, Duration maxRange, int defaultLimit,
    int maxLimit, Duration maxEventAge) {
  /** The keys the Lambda takes from its environment. */
  public static final List<String> ENVIRONMENT = List.of("PG_URL", "PG_SECRET_ID", "PG_SSL_ROOT_CERT", "PG_POOL_SIZE",
      "AWS_REGION", "LOCATION_STREAM", "GEOFENCES", "AUTH", "JWT_ISSUER", "JWT_AUDIENCE", "JWKS_URL", "OAUTH_URL",
      "MAX_RANGE",
      "DEFAULT_LIMIT", "MAX_LIMIT", "MAX_EVENT_AGE", "KINESIS_ENDPOINT", "S3_ENDPOINT", "SECRETS_MANAGER_ENDPOINT");

  /**
   * How bearer tokens are checked ({@code AUTH}): {@code local} (the default), against a key made at
   * start; {@code jwks} (the default with a {@code JWKS_URL}), against a JWKS ({@code JWKS_URL}, a Cognito user pool's:
   * {@code https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json}); or
   * {@code api-gateway}, where API Gateway's JWT authorizer verified the token and the API checks the
   * claims it passes on (issuer and client), refusing a request that passed no authorizer.
   *
   * @param audience the app client id: Cognito puts it in an access token's {@code client_id}, an id token's {@code aud}
   * @param oauthUrl the OAuth 2.0 authorization server the map signs users in at, with an
   *     authorization code and PKCE: Cognito's hosted UI ({@code https://<domain>.auth.<region>.amazoncognito.com});
   *     empty with {@code AUTH local}: the local server's own stand-in ({@link com.fleetstream.api.auth.LocalAuthorizationServer})
   */
  public record Auth(Mode mode, String issuer, String audience, Optional<URI> jwksUrl, Optional<URI> oauthUrl) {
    public static final String LOCAL_ISSUER = "fleetstream-local";
    public static final String LOCAL_AUDIENCE = "fleetstream-map";

    public enum Mode { LOCAL, JWKS, API_GATEWAY }

    public boolean local() {
      return mode == Mode.LOCAL;
    }
  }

  /** The environment variables the Lambda reads, as {@code --KEY value} arguments; other variables are ignored. */
  public static String[] fromEnvironment(Map<String, String> env) {
    List<String> args = new ArrayList<>();
    for (String key : ENVIRONMENT) {
      String value = env.get(key);
      if (value != null && !value.isBlank()) {
        args.add("--" + key);
        args.add(value);
      }
    }
    return args.toArray(String[]::new);
  }

  public static ApiConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    String pgUrl = args.required("PG_URL");
    if (!pgUrl.startsWith("jdbc:postgresql://")) {
      throw new InvalidArgumentException("PG_URL", "must be a jdbc:postgresql:// URL, got '" + pgUrl + "'");
    }
    Optional<String> secret = args.optional("PG_SECRET_ID");
    String user = args.string("PG_USER", "");
    if (secret.isEmpty() && user.isEmpty()) {
      throw new InvalidArgumentException("PG_SECRET_ID", "or PG_USER is required: the API logs in as a role IN ROLE analyst");
    }
    boolean jwks = args.optional("JWKS_URL").isPresent();
    Auth.Mode mode = args.parsed("AUTH", jwks ? Auth.Mode.JWKS : Auth.Mode.LOCAL, text -> Auth.Mode.valueOf(
        text.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
    if (jwks && mode != Auth.Mode.JWKS) {
      throw new InvalidArgumentException("JWKS_URL", "is read only with AUTH jwks, not " + mode);
    }
    Optional<URI> login = args.optional("OAUTH_URL").map(ignored -> origin(uri(args, "OAUTH_URL")));
    Auth auth = switch (mode) {
      case LOCAL -> new Auth(mode, Auth.LOCAL_ISSUER, Auth.LOCAL_AUDIENCE, Optional.empty(), login);
      case JWKS -> new Auth(mode, args.required("JWT_ISSUER"), args.required("JWT_AUDIENCE"),
          Optional.of(uri(args, "JWKS_URL")), login);
      case API_GATEWAY -> new Auth(mode, args.required("JWT_ISSUER"), args.required("JWT_AUDIENCE"), Optional.empty(),
          login);
    };
    Map<String, URI> endpoints = new java.util.TreeMap<>();
    for (String service : List.of("KINESIS", "S3", "SECRETS_MANAGER")) {
      if (args.optional(service + "_ENDPOINT").isPresent()) {
        endpoints.put(service.toLowerCase(java.util.Locale.ROOT).replace("_", ""), uri(args, service + "_ENDPOINT"));
      }
    }
    int maxLimit = args.integer("MAX_LIMIT", 10_000, 1, 100_000);
    ApiConfig config = new ApiConfig(pgUrl, secret, user, args.string("PG_PASSWORD", ""),
        args.optional("PG_SSL_ROOT_CERT"), args.integer("PG_POOL_SIZE", 8, 1, 100),
        args.string("AWS_REGION", "us-east-1"), args.optional("LOCATION_STREAM"), args.optional("GEOFENCES"),
        Map.copyOf(endpoints), auth, duration(args, "MAX_RANGE", Duration.ofDays(7)),
        args.integer("DEFAULT_LIMIT", 1_000, 1, maxLimit), maxLimit,
        duration(args, "MAX_EVENT_AGE", Duration.ofDays(30)));
    args.rejectUnread();
    return config;
  }

  public Optional<URI> endpoint(String service) {
    return Optional.ofNullable(endpoints.get(service));
  }

  private static Duration duration(GlueArgs args, String key, Duration dflt) {
    // ISO-8601: a Lambda environment variable and an argument read the same
    Duration d = args.parsed(key, dflt, Duration::parse);
    if (d.isNegative() || d.isZero()) {
      throw new InvalidArgumentException(key, "must be positive, got " + d);
    }
    return d;
  }

  /** The hosted UI's origin, {@code https://host} without a path: the map adds the endpoints' paths. */
  private static URI origin(URI u) {
    if (!"https".equals(u.getScheme())
        || u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
      throw new InvalidArgumentException("OAUTH_URL", "must be an https origin (the hosted UI's domain), got '" + u + "'");
    }
    return URI.create(u.getScheme() + "://" + u.getRawAuthority());
  }

  private static URI uri(GlueArgs args, String key) {
    return args.parsed(key, null, URI::create);
  }
}
