package com.fleetstream.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.TestPostgres;
import com.fleetstream.postgres.PgConnectionSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Days of the position history before the cutoff disappear, with their rows; the cutoff's day and later stay. */
class HistoryRetentionIT {
  @Test
  void daysBeforeTheCutoffAreDroppedAndTheRestStay() throws Exception {
    PgConnectionSpec db = TestPostgres.database("retention_test");
    PostgresSchema.migrate(db);
    try (Connection c = db.open(); Statement s = c.createStatement()) {
      s.execute("SELECT fleet.ensure_history_partitions(ARRAY['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']::date[])");
      for (int day = 1; day <= 4; day++) {
        s.execute("INSERT INTO fleet.vehicle_position_history (vehicle_id, event_time, event_id, latitude, longitude"
            + ", arrival_time) VALUES ('v1', '2026-01-0" + day + "T23:59:59Z', 'e" + day + "', 52.5, 13.4, now())");
      }
    }

    assertThat(HistoryRetention.dropDaysBefore(db, LocalDate.parse("2026-01-03")))
        .containsExactly("vehicle_position_history_20260101", "vehicle_position_history_20260102");
    assertThat(TestPostgres.rows(db, "SELECT event_id FROM fleet.vehicle_position_history ORDER BY event_id"))
        .containsExactly(List.of("e3"), List.of("e4"));
    assertThat(TestPostgres.rows(db, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        + " WHERE i.inhparent = 'fleet.vehicle_position_history'::regclass ORDER BY 1")).containsExactly(
            List.of("vehicle_position_history_20260103"), List.of("vehicle_position_history_20260104"));
    assertThat(HistoryRetention.dropDaysBefore(db, LocalDate.parse("2026-01-03"))).isEmpty();
  }
}
