package com.fleetstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

  @Test
  void readsNamedStatementsTheirAlternativesAndTheStagingOrder() {
    SqlScript script = SqlScript.parse("t.sql", """
        -- A comment that is dropped.
        -- staging order: a, b ,c

        -- name: first
        -- why, in a comment
        INSERT INTO t SELECT *
        FROM s;
        -- on unique_violation: when a row is there already
        INSERT INTO t SELECT * FROM s ON CONFLICT DO NOTHING;

        -- name: second
        SELECT 1;
        """);

    assertThat(script.stagingOrder()).containsExactly("a", "b", "c");
    assertThat(script.statements()).containsExactly(
        new SqlScript.Statement("first", "INSERT INTO t SELECT *\nFROM s",
            "INSERT INTO t SELECT * FROM s ON CONFLICT DO NOTHING"),
        new SqlScript.Statement("second", "SELECT 1", null));
    assertThat(SqlScript.parse("u.sql", "-- name: x\nSELECT 1;\n").stagingOrder()).isEmpty();
  }

  @Test
  void rejectsAnAlternativeWithoutAStatementBeforeIt() {
    assertThatThrownBy(() -> SqlScript.parse("t.sql", "-- on unique_violation:\nSELECT 1;\n"))
        .hasMessage("t.sql: '-- on unique_violation:' must follow a statement");
    assertThatThrownBy(() -> SqlScript.parse("t.sql", "-- name: x\n-- on unique_violation:\nSELECT 1;\n"))
        .hasMessage("t.sql: '-- on unique_violation:' must follow a statement");
    assertThatThrownBy(() -> SqlScript.parse("t.sql", "SELECT 1;\n"))
        .hasMessageContaining("statement without a '-- name:' line");
  }
}
