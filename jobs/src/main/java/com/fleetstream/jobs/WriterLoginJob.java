package com.fleetstream.jobs;

import com.fleetstream.jobs.config.WriterLoginConfig;
import com.fleetstream.jobs.runtime.JobMain;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.sink.postgres.LoginRotation;
import com.fleetstream.jobs.sink.postgres.PostgresCredentials;
import com.fleetstream.postgres.SecretRef;
import java.sql.SQLException;

/**
 * Glue job, run once after the first deployment and then on a schedule: makes the streaming jobs'
 * PostgreSQL login and, with {@code PG_READER_SECRET_ID}, the API's, then rotates their passwords
 * ({@link LoginRotation}). Its Spark session only reads {@code PG_SSL_ROOT_CERT} where the other
 * jobs read their files from.
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
   * @return what became of the writer's login, "created" or "rotated" (and of the reader's, when it has one)
   */
  public static String run(WriterLoginConfig config, String sslRootCert) {
    try {
      String done = LoginRotation.writer(config.jdbcUrl(), config.admin(), config.writer(), config.writerUser(),
          sslRootCert);
      if (config.reader().isPresent()) {
        SecretRef reader = config.reader().get();
        done += ", reader " + LoginRotation.reader(config.jdbcUrl(), config.admin(), reader, reader.user(), sslRootCert);
      }
      return done;
    } catch (SQLException e) {
      throw new IllegalStateException(NAME + ": " + e.getMessage(), e);
    }
  }
}
