package com.fleetstream.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A versioned SQL file from {@code sql/} on the classpath, as named statements: each starts after a
 * {@code -- name: x} line and ends with a line ending in {@code ;}. Other comments are dropped, except
 * two that the PostgreSQL sink acts on:
 * <ul>
 *   <li>{@code -- on unique_violation:} before a statement makes it the one to run instead of the
 *       statement before it, should that one fail on a duplicate key;</li>
 *   <li>{@code -- staging order: a, b} asks for the staged rows sorted on those columns within each
 *       Spark partition.</li>
 * </ul>
 */
public record SqlScript(String resource, List<Statement> statements, List<String> stagingOrder) {
  private static final String NAME = "-- name:";
  private static final String ON_UNIQUE_VIOLATION = "-- on unique_violation:";
  private static final String STAGING_ORDER = "-- staging order:";

  /** @param onUniqueViolation the statement to run instead when this one fails on a duplicate key, or null */
  public record Statement(String name, String sql, String onUniqueViolation) {}

  public static SqlScript load(String resource) {
    try (InputStream in = SqlScript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("SQL resource " + resource + " is not on the classpath");
      }
      return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }

  static SqlScript parse(String resource, String text) {
    List<Statement> statements = new ArrayList<>();
    List<String> order = List.of();
    String name = null;
    boolean alternative = false;
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith(NAME)) {
        name = trimmed.substring(NAME.length()).strip();
      } else if (trimmed.startsWith(ON_UNIQUE_VIOLATION)) {
        if (statements.isEmpty() || name != null || sql.length() > 0) {
          throw new IllegalStateException(resource + ": '" + ON_UNIQUE_VIOLATION + "' must follow a statement");
        }
        alternative = true;
      } else if (trimmed.startsWith(STAGING_ORDER)) {
        order = List.of(trimmed.substring(STAGING_ORDER.length()).strip().split("\\s*,\\s*"));
      } else if (!trimmed.startsWith("--") && !trimmed.isEmpty()) {
        if (name == null && !alternative) {
          throw new IllegalStateException(resource + ": statement without a '-- name:' line: " + trimmed);
        }
        sql.append(line).append('\n');
        if (trimmed.endsWith(";")) {
          String statement = sql.toString().strip().replaceAll(";$", "");
          if (alternative) {
            Statement first = statements.remove(statements.size() - 1);
            statements.add(new Statement(first.name(), first.sql(), statement));
          } else {
            statements.add(new Statement(name, statement, null));
          }
          sql.setLength(0);
          name = null;
          alternative = false;
        }
      }
    }
    if (sql.length() > 0) {
      throw new IllegalStateException(resource + ": last statement does not end with ';'");
    }
    return new SqlScript(resource, List.copyOf(statements), order);
  }

  /** The statement named {@code name}. */
  public String sql(String name) {
    return statements.stream().filter(s -> s.name().equals(name)).findFirst().map(Statement::sql)
        .orElseThrow(() -> new IllegalStateException(resource + " has no statement named " + name));
  }

  /** A single-statement file's SQL, e.g. an analyst query. */
  public String single() {
    if (statements.size() != 1) {
      throw new IllegalStateException(resource + " holds " + statements.size() + " statements, expected one");
    }
    return statements.get(0).sql();
  }
}
