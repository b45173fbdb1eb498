package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.jobs.sink.postgres.SecretRef;

/**
 * The writer-login job's configuration: the database, the administrator's secret (RDS's master
 * user secret) and the secret the streaming jobs read their login from.
 */
public record WriterLoginConfig(String jdbcUrl, SecretRef admin, SecretRef writer, String writerUser,
    java.util.Optional<String> sslRootCert) {

  public static WriterLoginConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    String url = args.required("PG_JDBC_URL");
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new InvalidArgumentException("PG_JDBC_URL", "must start with jdbc:postgresql://, got '" + url + "'");
    }
    String region = JobArgs.region(args);
    String endpoint = args.optional("SECRETS_MANAGER_ENDPOINT")
        .map(uri -> JobArgs.uri(args, "SECRETS_MANAGER_ENDPOINT", uri)).orElse(null);
    String user = args.string("PG_WRITER_USER", "fleet_writer");
    if (!user.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new InvalidArgumentException("PG_WRITER_USER", "must be a plain lower-case identifier, got '" + user + "'");
    }
    WriterLoginConfig config = new WriterLoginConfig(url,
        new SecretRef(args.required("PG_ADMIN_SECRET_ID"), region, endpoint, null),
        new SecretRef(args.required("PG_SECRET_ID"), region, endpoint, user), user,
        PostgresConfig.sslRootCert(args));
    ConfigLog.unread("writer-login job", args);
    return config;
  }
}
