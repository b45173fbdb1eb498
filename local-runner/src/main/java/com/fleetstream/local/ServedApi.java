package com.fleetstream.local;

import com.fleetstream.api.Api;
import com.fleetstream.api.ApiConfig;
import com.fleetstream.api.LocalApiServer;
import com.fleetstream.api.access.AccessAdmin;
import com.fleetstream.api.auth.LocalIssuer;
import com.fleetstream.rehearsal.Deployment;
import com.fleetstream.rehearsal.glue.GlueDriver;
import com.fleetstream.simulator.FleetModel;
import com.fleetstream.testkit.KinesisEmulator;
import com.fleetstream.testkit.PostgresServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet API of {@code run-local.sh --serve}, once the location job has written the first
 * positions: the Lambda's own settings from Terraform (its environment), with the local servers'
 * endpoints, its read-only login from the secret the writer-login job filled, the CA bundle Terraform
 * names, and a local token issuer instead of Cognito. The simulated fleet is tenant {@code demo}; the
 * tokens are an administrator's, a renter's of truck-001 for the next two hours and truck-002's tracker's.
 */
record ServedApi(URI url, Map<String, String> tokens) {
  static final String TENANT = "demo";
  private static final Duration FIRST_POSITIONS = Duration.ofMinutes(5);
  /** What differs from the Lambda's environment: where API Gateway checks tokens, here a local issuer does. */
  private static final java.util.Set<String> NOT_LOCAL = java.util.Set.of("AUTH", "JWT_ISSUER", "JWT_AUDIENCE",
      "OAUTH_URL", "PG_URL");

  static ServedApi start(Deployment aws, PostgresServer postgres, int port, List<GlueDriver.Running> runs,
      int vehicles) throws Exception {
    awaitPositions(postgres, runs);
    Instant now = Instant.now();
    try (Connection c = postgres.connect()) {
      AccessAdmin admin = new AccessAdmin(c).tenant(TENANT, "Demo fleet");
      for (int i = 0; i < vehicles; i++) {
        admin.vehicle(TENANT, FleetModel.vehicleId(i));
      }
      admin.grant("local-admin", AccessAdmin.Role.ADMINISTRATOR, TENANT, Optional.empty(), Optional.empty(),
          Optional.empty());
      admin.grant("local-renter", AccessAdmin.Role.RENTER, TENANT, Optional.of(FleetModel.vehicleId(0)),
          Optional.of(now), Optional.of(now.plus(Duration.ofHours(2))));
      admin.grant("local-device", AccessAdmin.Role.DEVICE, TENANT, Optional.of(FleetModel.vehicleId(1)),
          Optional.empty(), Optional.empty());
    }
    // the local servers take any signature; the SDK wants some credentials to sign with
    System.setProperty("aws.accessKeyId", KinesisEmulator.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", KinesisEmulator.SECRET_KEY);
    List<String> args = new java.util.ArrayList<>(List.of("--PG_URL", postgres.jdbcUrl(),
        "--AWS_REGION", Deployment.CLOUD.region(), "--KINESIS_ENDPOINT", aws.kinesis().endpoint().toString(),
        "--S3_ENDPOINT", aws.s3Endpoint().toString(), "--SECRETS_MANAGER_ENDPOINT", aws.secrets().endpoint().toString()));
    aws.api().environment().forEach((key, value) -> {
      if (!NOT_LOCAL.contains(key)) {
        args.addAll(List.of("--" + key, value));
      }
    });
    Api api = Api.start(ApiConfig.parse(args.toArray(String[]::new)));
    LocalApiServer server = LocalApiServer.start(api, port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      api.close();
    }));
    LocalIssuer issuer = api.localIssuer().orElseThrow();
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("local-admin, administrator of every vehicle", issuer.token("local-admin", Duration.ofHours(24)));
    tokens.put("local-renter, renter of " + FleetModel.vehicleId(0) + " from now for two hours",
        issuer.token("local-renter", Duration.ofHours(2)));
    tokens.put("local-device, tracker of " + FleetModel.vehicleId(1) + ", sends its fixes only",
        issuer.token("local-device", Duration.ofHours(24)));
    return new ServedApi(server.url(), tokens);
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
