package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import java.util.Optional;

/**
 * Where the PostgreSQL sink writes. The password is never an argument: it comes from a Secrets
 * Manager secret ({@code PG_SECRET_ID}, JSON with {@code username} and {@code password}, the format
 * RDS uses) or, for local runs, the {@code PGPASSWORD} environment variable.
 */
public record PostgresConfig(
    String jdbcUrl,
    Optional<String> user,
    Optional<String> secretId,
    String secretsRegion,
    Optional<java.net.URI> secretsEndpoint,
    boolean migrate,
    int maxAttempts,
    SparkDuration socketTimeout,
    SparkDuration lockTimeout,
    Optional<SparkDuration> historyRetention,
    Optional<String> sslRootCert) {

  public static PostgresConfig from(GlueArgs args) {
    String url = args.required("PG_JDBC_URL");
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new InvalidArgumentException("PG_JDBC_URL", "must start with jdbc:postgresql://, got '" + url + "'");
    }
    if (args.optional("PG_PASSWORD").isPresent()) {
      throw new InvalidArgumentException("PG_PASSWORD",
          "is not accepted: job arguments are visible in the Glue console; use PG_SECRET_ID");
    }
    return new PostgresConfig(
        url,
        args.optional("PG_USER"),
        args.optional("PG_SECRET_ID"),
        JobArgs.region(args),
        // a local stand-in of Secrets Manager (requests unsigned), like SNS_ENDPOINT
        args.optional("SECRETS_MANAGER_ENDPOINT").map(uri -> java.net.URI.create(JobArgs.uri(args, "SECRETS_MANAGER_ENDPOINT", uri))),
        // apply sql/postgres/migrations at start; off where a deploy step owns the schema
        args.bool("PG_MIGRATE", true),
        // 13: 1 + 2 + 4 + 8 + 16 + 7 x 20 = 171 s of back-off, at least 128 s with the jitter, past an RDS
        // Multi-AZ failover (60-120 s)
        args.integer("PG_MAX_ATTEMPTS", 13, 1, 20),
        // bounded waits: a server that stops answering, a lock held by another session
        JobArgs.duration(args, "PG_SOCKET_TIMEOUT", "5 minutes"),
        JobArgs.duration(args, "PG_LOCK_TIMEOUT", "30 seconds"),
        // the position history's days kept; by default 90 days, or MAX_EVENT_AGE when longer
        args.optional("PG_HISTORY_RETENTION").map(v -> JobArgs.duration(args, "PG_HISTORY_RETENTION", v)),
        sslRootCert(args));
  }

  /**
   * {@code PG_SSL_ROOT_CERT}: URI of the PEM bundle of the CAs the server's certificate must chain to
   * (RDS's for the region); with it every connection is {@code sslmode=verify-full}.
   */
  static Optional<String> sslRootCert(GlueArgs args) {
    return args.optional("PG_SSL_ROOT_CERT").map(uri -> JobArgs.uri(args, "PG_SSL_ROOT_CERT", uri));
  }
}
