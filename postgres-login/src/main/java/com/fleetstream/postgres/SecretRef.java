package com.fleetstream.postgres;

import java.io.Serializable;

/**
 * Where a PostgreSQL login is kept: a Secrets Manager secret (JSON {@code username}, {@code password}).
 *
 * @param endpoint a local stand-in's endpoint (unsigned requests), or null for the region's
 * @param user the user to log in as, when not the secret's own {@code username}
 */
public record SecretRef(String id, String region, String endpoint, String user) implements Serializable {}
