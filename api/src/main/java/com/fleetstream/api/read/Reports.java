package com.fleetstream.api.read;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fleetstream.sql.SqlScript;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The reporting tables as JSON, through the queries in {@code sql/postgres/queries/}: every value a
 * bound parameter, no SQL built here. Positions are GeoJSON features, as Leaflet and GIS tools take them.
 */
public final class Reports {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String FLEET = query("fleet_positions");
  private static final String LATEST = query("latest_position");
  private static final String PAGE = query("position_page");
  private static final String WINDOWS = query("vehicle_windows");
  private static final String ALERTS = query("alerts_since");
  private static final String TRIPS = query("vehicle_trips_on_day");
  private static final String STOPS = query("vehicle_stops_on_day");
  private final DataSource db;

  public Reports(DataSource db) {
    this.db = db;
  }

  /** The page after {@code cursor}: rows from {@code start} to {@code end}, and the cursor of the next page, if any. */
  public record Page(ArrayNode rows, Optional<String> next) {}

  /** A position's place in a track: what the next page starts after. */
  public record Cursor(Instant eventTime, String eventId) {
    public String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((eventTime + "|" + eventId).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is no cursor this API gave */
    public static Cursor decode(String text) {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int bar = plain.indexOf('|');
      if (bar < 0) {
        throw new IllegalArgumentException("not a cursor");
      }
      return new Cursor(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
    }
  }

  public ObjectNode fleet() throws SQLException {
    ArrayNode features = JSON.arrayNode();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(FLEET);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        features.add(feature(rs));
      }
    }
    return JSON.objectNode().put("type", "FeatureCollection").set("features", features);
  }

  public Optional<ObjectNode> latest(String vehicleId) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(LATEST)) {
      ps.setString(1, vehicleId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(feature(rs)) : Optional.empty();
      }
    }
  }

  public Page positions(String vehicleId, Instant start, Instant end, Optional<Cursor> after, int limit)
      throws SQLException {
    Cursor from = after.orElse(new Cursor(start, ""));
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(PAGE)) {
      ps.setString(1, vehicleId);
      ps.setTimestamp(2, Timestamp.from(start));
      ps.setTimestamp(3, Timestamp.from(end));
      ps.setTimestamp(4, Timestamp.from(from.eventTime()));
      ps.setString(5, from.eventId());
      ps.setInt(6, limit + 1); // one more than a page says whether another follows
      ArrayNode rows = rows(ps);
      if (rows.size() <= limit) {
        return new Page(rows, Optional.empty());
      }
      rows.remove(limit);
      ObjectNode last = (ObjectNode) rows.get(limit - 1);
      return new Page(rows, Optional.of(new Cursor(Instant.parse(last.get("event_time").asText()),
          last.get("event_id").asText()).encode()));
    }
  }

  public ArrayNode windows(String vehicleId, Instant start, Instant end, int limit) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(WINDOWS)) {
      ps.setString(1, vehicleId);
      ps.setTimestamp(2, Timestamp.from(start));
      ps.setTimestamp(3, Timestamp.from(end));
      ps.setInt(4, limit);
      return rows(ps);
    }
  }

  /** The trips and the stops that began on a UTC day. */
  public ObjectNode tripsAndStops(String vehicleId, LocalDate day) throws SQLException {
    ObjectNode body = JSON.objectNode();
    try (Connection c = db.getConnection()) {
      for (String[] part : new String[][] {{"trips", TRIPS}, {"stops", STOPS}}) {
        try (PreparedStatement ps = c.prepareStatement(part[1])) {
          ps.setObject(1, day);
          ps.setString(2, vehicleId);
          body.set(part[0], rows(ps));
        }
      }
    }
    return body;
  }

  public ArrayNode alerts(Instant since, int limit) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(ALERTS)) {
      ps.setTimestamp(1, Timestamp.from(since));
      ps.setInt(2, limit);
      return rows(ps);
    }
  }

  private static ObjectNode feature(ResultSet rs) throws SQLException {
    ObjectNode properties = row(rs);
    double longitude = properties.remove("longitude").asDouble();
    double latitude = properties.remove("latitude").asDouble();
    ObjectNode geometry = JSON.objectNode().put("type", "Point");
    geometry.putArray("coordinates").add(longitude).add(latitude);
    ObjectNode feature = JSON.objectNode().put("type", "Feature").put("id", rs.getString("vehicle_id"));
    feature.set("geometry", geometry);
    feature.set("properties", properties);
    return feature;
  }

  private static ArrayNode rows(PreparedStatement ps) throws SQLException {
    ArrayNode rows = JSON.arrayNode();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(row(rs));
      }
    }
    return rows;
  }

  /** Columns by their SQL names; timestamps as ISO-8601 UTC, nulls kept so every row has the same keys. */
  private static ObjectNode row(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    ObjectNode row = JSON.objectNode();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      String name = meta.getColumnLabel(i);
      switch (meta.getColumnType(i)) {
        case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
          Timestamp t = rs.getTimestamp(i);
          row.put(name, t == null ? null : t.toInstant().toString());
        }
        case Types.DOUBLE, Types.REAL, Types.NUMERIC -> {
          double d = rs.getDouble(i);
          if (rs.wasNull()) {
            row.putNull(name);
          } else {
            row.put(name, d);
          }
        }
        case Types.BIGINT, Types.INTEGER -> {
          long l = rs.getLong(i);
          if (rs.wasNull()) {
            row.putNull(name);
          } else {
            row.put(name, l);
          }
        }
        default -> row.put(name, rs.getString(i));
      }
    }
    return row;
  }

  private static String query(String name) {
    return SqlScript.load("sql/postgres/queries/" + name + ".sql").single();
  }
}
