package com.fleetstream.jobs.sink.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.jobs.config.PostgresConfig;
import java.io.IOException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Resolves the user and password once, on the driver, from Secrets Manager or the environment. */
public final class PostgresCredentials {
  private PostgresCredentials() {}

  public static PgConnectionSpec resolve(PostgresConfig config) {
    return login(config).withTimeouts(config.socketTimeout().value(), config.lockTimeout().value());
  }

  private static PgConnectionSpec login(PostgresConfig config) {
    if (config.secretId().isPresent()) {
      JsonNode secret = readSecret(config.secretId().get(), config.secretsRegion());
      String user = config.user().orElseGet(() -> text(secret, "username"));
      return new PgConnectionSpec(config.jdbcUrl(), user, text(secret, "password"));
    }
    String user = config.user().orElseThrow(() ->
        new InvalidArgumentException("PG_USER", "is required when PG_SECRET_ID is not given"));
    return new PgConnectionSpec(config.jdbcUrl(), user, System.getenv("PGPASSWORD"));
  }

  private static JsonNode readSecret(String secretId, String region) {
    try (SecretsManagerClient client = SecretsManagerClient.builder()
        .region(Region.of(region))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build()) {
      return new ObjectMapper().readTree(client.getSecretValue(b -> b.secretId(secretId)).secretString());
    } catch (IOException e) {
      throw new InvalidArgumentException("PG_SECRET_ID", "secret " + secretId + " is not JSON with username/password");
    }
  }

  private static String text(JsonNode secret, String field) {
    JsonNode value = secret.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidArgumentException("PG_SECRET_ID", "secret has no text field '" + field + "'");
    }
    return value.asText();
  }
}
