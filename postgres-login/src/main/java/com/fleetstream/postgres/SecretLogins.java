package com.fleetstream.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.args.InvalidArgumentException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * Logins kept in a Secrets Manager secret (JSON {@code username}, {@code password}, as RDS writes it),
 * read once per JVM (driver or executor) and again when PostgreSQL refuses the password: a rotated
 * secret is then picked up without a restart.
 */
public final class SecretLogins {
  /** A user and its password (null: none, e.g. trust authentication locally). */
  public record Login(String user, String password) implements Serializable {
    @Override
    public String toString() {
      return "Login[" + user + ", password=" + (password == null ? "<none>" : "<set>") + "]";
    }
  }

  private static final Map<SecretRef, Login> CURRENT = new ConcurrentHashMap<>();

  private SecretLogins() {}

  /** The login last read from the secret in this JVM, read now if never. */
  static Login current(SecretRef ref) {
    return CURRENT.computeIfAbsent(ref, SecretLogins::read);
  }

  /**
   * Reads the secret again after {@code refused} was refused.
   *
   * @return the secret's login now (the same as {@code refused} while a rotation has not finished)
   */
  static synchronized Login reread(SecretRef ref, Login refused) {
    Login known = CURRENT.get(ref);
    if (known != null && !known.equals(refused)) {
      return known; // another task of this JVM read the new one already
    }
    Login fresh = read(ref);
    CURRENT.put(ref, fresh);
    return fresh;
  }

  /** The secret's login now, read past this JVM's cache. */
  public static Login read(SecretRef ref) {
    try (SecretsManagerClient client = client(ref)) {
      JsonNode secret = new ObjectMapper().readTree(client.getSecretValue(b -> b.secretId(ref.id())).secretString());
      return new Login(ref.user() != null ? ref.user() : text(secret, "username"), text(secret, "password"));
    } catch (IOException e) {
      throw new InvalidArgumentException("PG_SECRET_ID", "secret " + ref.id() + " is not JSON with username/password");
    }
  }

  public static SecretsManagerClient client(SecretRef ref) {
    SecretsManagerClientBuilder builder = SecretsManagerClient.builder().region(Region.of(ref.region()))
        .httpClientBuilder(UrlConnectionHttpClient.builder());
    if (ref.endpoint() != null) {
      builder.endpointOverride(URI.create(ref.endpoint())).credentialsProvider(AnonymousCredentialsProvider.create());
    }
    return builder.build();
  }

  private static String text(JsonNode secret, String field) {
    JsonNode value = secret.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidArgumentException("PG_SECRET_ID", "secret has no text field '" + field + "'");
    }
    return value.asText();
  }
}
