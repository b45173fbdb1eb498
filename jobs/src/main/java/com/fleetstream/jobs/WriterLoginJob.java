package com.fleetstream.jobs;

import com.fleetstream.jobs.config.WriterLoginConfig;
import com.fleetstream.jobs.runtime.JobMain;
import com.fleetstream.jobs.sink.postgres.WriterLogin;
import java.sql.SQLException;

/**
 * Glue job, run once after the first deployment and then on a schedule: makes the streaming jobs'
 * PostgreSQL login, then rotates its password ({@link WriterLogin}). It needs no Spark session.
 */
public final class WriterLoginJob {
  public static final String NAME = "writer-login";

  private WriterLoginJob() {}

  public static void main(String[] args) {
    JobMain.run(NAME, () -> WriterLoginConfig.parse(args), WriterLoginJob::run);
  }

  /** @return "created" or "rotated" */
  public static String run(WriterLoginConfig config) {
    try {
      return WriterLogin.createOrRotate(config.jdbcUrl(), config.admin(), config.writer(), config.writerUser());
    } catch (SQLException e) {
      throw new IllegalStateException(NAME + ": " + e.getMessage(), e);
    }
  }
}
