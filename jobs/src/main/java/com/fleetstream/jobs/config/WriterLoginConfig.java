package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.postgres.SecretRef;

/**
 * The writer-login job's configuration: the database, the administrator's secret (RDS's master
 * user secret), the secret the streaming jobs read their login from and, when the API is deployed,
 * the secret of its read-only login ({@code PG_READER_SECRET_ID}, user {@code PG_READER_USER}).
 */
public record WriterLoginConfig(String jdbcUrl, SecretRef admin, SecretRef writer, String writerUser,
    java.util.Optional<SecretRef> reader, java.util.Optional<String> sslRootCert) {

  public static WriterLoginConfig parse(String... argv) {
    GlueArgs args = GlueArgs.parse(argv);
    String url = args.required("PG_JDBC_URL");
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new InvalidArgumentException("PG_JDBC_URL", "must start with jdbc:postgresql://, got '" + url + "'");
    }
    String region = JobArgs.region(args);
    String endpoint = args.optional("SECRETS_MANAGER_ENDPOINT")
        .map(uri -> JobArgs.uri(args, "SECRETS_MANAGER_ENDPOINT", uri)).orElse(null);
    String user = role(args, "PG_WRITER_USER", "fleet_writer");
    String readerUser = role(args, "PG_READER_USER", "fleet_api");
    WriterLoginConfig config = new WriterLoginConfig(url,
        new SecretRef(args.required("PG_ADMIN_SECRET_ID"), region, endpoint, null),
        new SecretRef(args.required("PG_SECRET_ID"), region, endpoint, user), user,
        args.optional("PG_READER_SECRET_ID").map(id -> new SecretRef(id, region, endpoint, readerUser)),
        PostgresConfig.sslRootCert(args));
    ConfigLog.unread("writer-login job", args);
    return config;
  }

  private static String role(GlueArgs args, String key, String dflt) {
    String user = args.string(key, dflt);
    if (!user.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new InvalidArgumentException(key, "must be a plain lower-case identifier, got '" + user + "'");
    }
    return user;
  }
}
