package com.fleetstream.jobs.sink.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A versioned SQL file from {@code sql/} on the classpath, as named statements: each starts after a
 * {@code -- name: x} line and ends with a line ending in {@code ;}. Other comments are dropped.
 */
public record SqlScript(String resource, List<Statement> statements) {

  public record Statement(String name, String sql) {}

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
    String name = null;
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("-- name:")) {
        name = trimmed.substring("-- name:".length()).strip();
      } else if (!trimmed.startsWith("--") && !trimmed.isEmpty()) {
        if (name == null) {
          throw new IllegalStateException(resource + ": statement without a '-- name:' line: " + trimmed);
        }
        sql.append(line).append('\n');
        if (trimmed.endsWith(";")) {
          statements.add(new Statement(name, sql.toString().strip().replaceAll(";$", "")));
          sql.setLength(0);
          name = null;
        }
      }
    }
    if (sql.length() > 0) {
      throw new IllegalStateException(resource + ": last statement does not end with ';'");
    }
    return new SqlScript(resource, List.copyOf(statements));
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
