package com.fleetstream.local;

import com.fleetstream.api.Api;
import com.fleetstream.api.ApiConfig;
import com.fleetstream.api.LocalApiServer;
import com.fleetstream.rehearsal.glue.GlueDriver;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.PostgresServer;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** The fleet API of {@code run-local.sh --serve}, once the location job has written the first positions. */
record ServedApi(URI url, String token) {
  private static final String ROLE = "fleet_api";
  private static final Duration FIRST_POSITIONS = Duration.ofMinutes(5);

  static ServedApi start(PostgresServer postgres, URI kinesis, String locationStream, Path geofences, int port,
      List<GlueDriver.Running> runs) throws Exception {
    awaitPositions(postgres, runs);
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
      s.execute("DROP ROLE IF EXISTS " + ROLE);
      s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + password + "' IN ROLE analyst");
    }
    // kinesalite takes any signature; the SDK wants some credentials and a region to sign with
    System.setProperty("aws.accessKeyId", KinesisEmulator.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", KinesisEmulator.SECRET_KEY);
    System.setProperty("aws.region", KinesisEmulator.REGION.id());
    Api api = Api.start(ApiConfig.parse("--PG_URL", postgres.jdbcUrl(), "--PG_USER", ROLE, "--PG_PASSWORD", password,
        "--LOCATION_STREAM", locationStream, "--KINESIS_ENDPOINT", kinesis.toString(), "--GEOFENCES", geofences.toString()));
    LocalApiServer server = LocalApiServer.start(api.routes(), port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      api.close();
    }));
    return new ServedApi(server.url(), api.localIssuer().orElseThrow().token("local-user", Duration.ofHours(24)));
  }

  /** The API reads fleet.vehicle_position_latest, which the location job makes (its migrations) and fills. */
  private static void awaitPositions(PostgresServer postgres, List<GlueDriver.Running> runs) throws Exception {
    long deadline = System.nanoTime() + FIRST_POSITIONS.toNanos();
    while (true) {
      for (GlueDriver.Running run : runs) {
        if (!run.process().isAlive()) {
          throw new IllegalStateException(run.job().name() + " stopped with exit code " + run.process().exitValue()
              + "; its driver's log: " + run.log());
        }
      }
      if (positions(postgres) > 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no positions in PostgreSQL after " + FIRST_POSITIONS.toMinutes()
            + " minutes; the drivers' logs: " + runs.get(0).log().getParent());
      }
      Thread.sleep(1000);
    }
  }

  private static long positions(PostgresServer postgres) throws SQLException {
    try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT to_regclass('fleet.vehicle_position_latest') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM fleet.vehicle_position_latest")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
