package com.fleetstream.jobs.sink.postgres;

import com.fleetstream.postgres.PgConnectionSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Drops the position history's day partitions before a cutoff ({@code fleet.drop_history_partitions_before}). */
public final class HistoryRetention {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryRetention.class);

  private HistoryRetention() {}

  /** @return the partitions dropped */
  public static List<String> dropDaysBefore(PgConnectionSpec db, LocalDate cutoff) throws SQLException {
    List<String> dropped = new ArrayList<>();
    try (Connection c = db.open();
         PreparedStatement ps = c.prepareStatement("SELECT fleet.drop_history_partitions_before(?)")) {
      ps.setObject(1, cutoff);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          dropped.add(rs.getString(1));
        }
      }
    }
    if (!dropped.isEmpty()) {
      LOG.info("history retention: {} day partitions before {} dropped: {}", dropped.size(), cutoff, dropped);
    }
    return dropped;
  }
}
