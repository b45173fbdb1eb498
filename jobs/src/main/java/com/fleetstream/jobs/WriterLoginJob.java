package com.fleetstream.jobs;

import com.fleetstream.jobs.config.WriterLoginConfig;
import com.fleetstream.jobs.runtime.JobMain;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.sink.postgres.PostgresCredentials;
import com.fleetstream.jobs.sink.postgres.WriterLogin;
import java.sql.SQLException;

/**
 * Glue job, run once after the first deployment and then on a schedule: makes the streaming jobs'
 * PostgreSQL login, then rotates its password ({@link WriterLogin}). Its Spark session only reads
 * {@code PG_SSL_ROOT_CERT} where the other jobs read their files from.
 */
public final class WriterLoginJob {
  public static final String NAME = "writer-login";

  private WriterLoginJob() {}

  public static void main(String[] args) {
    JobMain.run(NAME, () -> WriterLoginConfig.parse(args), config ->
        run(config, PostgresCredentials.rootCert(SparkSessions.forJob("fleetstream-writer-login"), config.sslRootCert())));
  }

  /**
   * @param sslRootCert the CA bundle's PEM text, or null
   * @return "created" or "rotated"
   */
  public static String run(WriterLoginConfig config, String sslRootCert) {
    try {
      return WriterLogin.createOrRotate(config.jdbcUrl(), config.admin(), config.writer(), config.writerUser(),
          sslRootCert);
    } catch (SQLException e) {
      throw new IllegalStateException(NAME + ": " + e.getMessage(), e);
    }
  }
}
