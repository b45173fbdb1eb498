package com.fleetstream.jobs.sink.postgres;

import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.jobs.config.PostgresConfig;
import com.fleetstream.jobs.io.UriText;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.postgres.SecretRef;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** Where the jobs' PostgreSQL login comes from: a Secrets Manager secret, or the environment locally. */
public final class PostgresCredentials {
  private PostgresCredentials() {}

  /**
   * Reads the secret now, on the driver, so a missing or malformed one stops the job at start.
   *
   * @param sslRootCert the CA bundle's PEM text ({@link #rootCert}), or null
   */
  public static PgConnectionSpec resolve(PostgresConfig config, String sslRootCert) {
    PgConnectionSpec spec;
    if (config.secretId().isPresent()) {
      SecretRef ref = new SecretRef(config.secretId().get(), config.secretsRegion(),
          config.secretsEndpoint().map(Object::toString).orElse(null), config.user().orElse(null));
      spec = PgConnectionSpec.fromSecret(config.jdbcUrl(), ref);
    } else {
      String user = config.user().orElseThrow(() ->
          new InvalidArgumentException("PG_USER", "is required when PG_SECRET_ID is not given"));
      spec = new PgConnectionSpec(config.jdbcUrl(), user, System.getenv("PGPASSWORD"));
    }
    return spec.withTimeouts(config.socketTimeout().value(), config.lockTimeout().value()).withSslRootCert(sslRootCert);
  }

  /** The CA bundle {@code PG_SSL_ROOT_CERT} names, read at start; null without one. */
  public static String rootCert(SparkSession spark, Optional<String> uri) {
    if (uri.isEmpty()) {
      return null;
    }
    String pem = UriText.read(spark, "PG_SSL_ROOT_CERT", uri.get());
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new InvalidArgumentException("PG_SSL_ROOT_CERT", uri.get() + " holds no PEM certificate");
    }
    return pem;
  }
}
