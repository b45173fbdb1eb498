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
 * as environment variables for the Lambda. Durations are ISO-8601 ({@code P7D}, {@code PT1H}).
 *
 * @param pgUrl the reporting database, read as a role IN ROLE analyst
 * @param pgSecretId a Secrets Manager secret holding {@code username} and {@code password} (AWS);
 *     otherwise {@code pgUser} and {@code pgPassword} (local)
 * @param locationStream where {@code POST /positions} puts fixes; empty: ingestion is off (405)
 * @param geofences the geofences JSON the location job reads (a path, {@code file:} or {@code s3:} URI)
 * @param auth how bearer tokens are checked
 * @param maxRange the longest {@code start..end} of a history request
 * @param maxEventAge as the location job's MAX_EVENT_AGE: older fixes are refused as it would quarantine them
 */
public record ApiConfig(String pgUrl, Optional<String> pgSecretId, String pgUser, String pgPassword, int poolSize,
    Optional<String> locationStream, Optional<URI> awsEndpoint, Optional<String> geofences, Auth auth,
    Duration maxRange, int defaultLimit, int maxLimit, Duration maxEventAge) {

  /**
   * Either a JWKS (a Cognito user pool's: {@code https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json})
   * or, locally, a key made at start ({@code LOCAL}).
   *
   * @param audience the app client id: Cognito puts it in an access token's {@code client_id}, an id token's {@code aud}
   */
  public record Auth(String issuer, String audience, Optional<URI> jwksUrl) {
    public static final String LOCAL_ISSUER = "fleetstream-local";
    public static final String LOCAL_AUDIENCE = "fleetstream-map";

    public boolean local() {
      return jwksUrl.isEmpty();
    }
  }

  /** The environment variables the Lambda reads, as {@code --KEY value} arguments; other variables are ignored. */
  public static String[] fromEnvironment(Map<String, String> env) {
    List<String> args = new ArrayList<>();
    for (String key : List.of("PG_URL", "PG_SECRET_ID", "PG_POOL_SIZE", "LOCATION_STREAM", "GEOFENCES",
        "JWT_ISSUER", "JWT_AUDIENCE", "JWKS_URL", "MAX_RANGE", "DEFAULT_LIMIT", "MAX_LIMIT", "MAX_EVENT_AGE")) {
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
    Optional<String> jwks = args.optional("JWKS_URL");
    Auth auth = jwks.isPresent()
        ? new Auth(args.required("JWT_ISSUER"), args.required("JWT_AUDIENCE"), Optional.of(uri("JWKS_URL", jwks.get())))
        : new Auth(Auth.LOCAL_ISSUER, Auth.LOCAL_AUDIENCE, Optional.empty());
    int maxLimit = args.integer("MAX_LIMIT", 10_000, 1, 100_000);
    ApiConfig config = new ApiConfig(pgUrl, secret, user, args.string("PG_PASSWORD", ""),
        args.integer("PG_POOL_SIZE", 8, 1, 100),
        args.optional("LOCATION_STREAM"), args.optional("AWS_ENDPOINT").map(v -> uri("AWS_ENDPOINT", v)),
        args.optional("GEOFENCES"), auth,
        duration(args, "MAX_RANGE", Duration.ofDays(7)),
        args.integer("DEFAULT_LIMIT", 1_000, 1, maxLimit), maxLimit,
        duration(args, "MAX_EVENT_AGE", Duration.ofDays(30)));
    args.rejectUnread();
    return config;
  }

  private static Duration duration(GlueArgs args, String key, Duration dflt) {
    // ISO-8601: a Lambda environment variable and an argument read the same
    Duration d = args.parsed(key, dflt, Duration::parse);
    if (d.isNegative() || d.isZero()) {
      throw new InvalidArgumentException(key, "must be positive, got " + d);
    }
    return d;
  }

  private static URI uri(String key, String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(key, "is not a URI: '" + value + "'");
    }
  }
}
