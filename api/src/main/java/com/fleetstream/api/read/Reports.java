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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The reporting tables as JSON, through the queries in {@code sql/postgres/queries/}: every value a
 * bound parameter, no SQL built here. Positions are GeoJSON features, as Leaflet and GIS tools take them.
 * Every read runs in a transaction scoped to the request's principal ({@code sql/postgres/access/}),
 * where row-level security shows only the rows the principal's grants cover.
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
  private static final SqlScript ACCESS = SqlScript.load("sql/postgres/access/principal.sql");
  private final DataSource db;

  @FunctionalInterface
  private interface Read<T> {
    T from(Connection c) throws SQLException;
  }

  public Reports(DataSource db) {
    this.db = db;
  }

  /** The page after {@code cursor}: rows from {@code start} to {@code end}, and the cursor of the next page, if any. */
  public record Page(ArrayNode rows, Optional<String> next) {}

  /** A position's place in a track: what the next page starts after. */
  public record Cursor(Instant eventTime, String eventId) {
    public String encode() {
      return opaque(eventTime + "|" + eventId);
    }

    /** @throws IllegalArgumentException when the text is no cursor this API gave */
    public static Cursor decode(String text) {
      String plain = plain(text);
      int bar = plain.indexOf('|');
      if (bar < 0) {
        throw new IllegalArgumentException("not a cursor");
      }
      return new Cursor(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
    }
  }

  /** The vehicle id a page of {@link #fleet} starts after, from its {@code next_cursor}. */
  public static String vehicleAfter(String cursor) {
    return plain(cursor);
  }

  /** A cursor as the API hands it out: URL-safe, and not meant to be read. */
  private static String opaque(String plain) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException when the text is no cursor this API gave */
  private static String plain(String cursor) {
    return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
  }

  /** A map's view: west, east, south, north in degrees; west > east crosses the antimeridian. */
  public record Box(double west, double east, double south, double north) {}

  /**
   * A page of the principal's vehicles at their newest fix, after the vehicle id {@code after} ("" for
   * the first page), within {@code box} if given; {@code next_cursor} says where the next page starts.
   */
  public ObjectNode fleet(String principal, Optional<Box> box, String after, int limit) throws SQLException {
    ArrayNode features = JSON.arrayNode();
    return as(principal, c -> {
      try (PreparedStatement ps = c.prepareStatement(FLEET)) {
        Double[] edges = box.map(b -> new Double[] {b.west(), b.east(), b.south(), b.north()})
            .orElse(new Double[4]);
        for (int i = 0; i < edges.length; i++) {
          ps.setObject(i + 1, edges[i], Types.DOUBLE);
        }
        ps.setString(5, after);
        ps.setInt(6, limit + 1); // one more than a page says whether another follows
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            features.add(feature(rs));
          }
        }
      }
      String next = null;
      if (features.size() > limit) {
        features.remove(limit);
        next = features.get(limit - 1).get("id").asText();
      }
      ObjectNode collection = JSON.objectNode().put("type", "FeatureCollection");
      collection.set("features", features);
      return collection.put("next_cursor", next == null ? null : opaque(next));
    });
  }

  public Optional<ObjectNode> latest(String principal, String vehicleId) throws SQLException {
    return as(principal, c -> {
      try (PreparedStatement ps = c.prepareStatement(LATEST)) {
        ps.setString(1, vehicleId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(feature(rs)) : Optional.empty();
        }
      }
    });
  }

  /** Whether the principal may read the vehicle over some part of a range; no for a vehicle that does not exist. */
  private static boolean readable(Connection c, String vehicleId, Instant start, Instant end) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ACCESS.sql("readable_vehicle"))) {
      ps.setString(1, vehicleId);
      ps.setTimestamp(2, Timestamp.from(end));
      ps.setTimestamp(3, Timestamp.from(start));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Which of {@code ids} the principal may send fixes as at {@code now}. */
  public Set<String> sendable(String principal, Collection<String> ids, Instant now)
      throws SQLException {
    return as(principal, c -> {
      Set<String> allowed = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(ACCESS.sql("sendable_assets"))) {
        ps.setArray(1, c.createArrayOf("text", ids.toArray()));
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setTimestamp(3, Timestamp.from(now));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            allowed.add(rs.getString(1));
          }
        }
      }
      return allowed;
    });
  }

  /** @return empty when the principal may read no part of the vehicle's range (or there is no such vehicle) */
  public Optional<Page> positions(String principal, String vehicleId, Instant start, Instant end,
      Optional<Cursor> after, int limit) throws SQLException {
    Cursor from = after.orElse(new Cursor(start, ""));
    return as(principal, c -> readable(c, vehicleId, start, end)
        ? Optional.of(page(c, vehicleId, start, end, from, limit)) : Optional.empty());
  }

  private static Page page(Connection c, String vehicleId, Instant start, Instant end, Cursor from, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PAGE)) {
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

  /** @return empty when the principal may read no part of the vehicle's range (or there is no such vehicle) */
  public Optional<ArrayNode> windows(String principal, String vehicleId, Instant start, Instant end, int limit)
      throws SQLException {
    return as(principal, c -> {
      if (!readable(c, vehicleId, start, end)) {
        return Optional.empty();
      }
      try (PreparedStatement ps = c.prepareStatement(WINDOWS)) {
        ps.setString(1, vehicleId);
        ps.setTimestamp(2, Timestamp.from(start));
        ps.setTimestamp(3, Timestamp.from(end));
        ps.setInt(4, limit);
        return Optional.of(rows(ps));
      }
    });
  }

  /**
   * The trips and the stops that began on a UTC day.
   *
   * @return empty when the principal may read no part of the day of the vehicle (or there is no such vehicle)
   */
  public Optional<ObjectNode> tripsAndStops(String principal, String vehicleId, LocalDate day) throws SQLException {
    ObjectNode body = JSON.objectNode();
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    return as(principal, c -> {
      if (!readable(c, vehicleId, start, start.plus(Duration.ofDays(1)))) {
        return Optional.empty();
      }
      for (String[] part : new String[][] {{"trips", TRIPS}, {"stops", STOPS}}) {
        try (PreparedStatement ps = c.prepareStatement(part[1])) {
          ps.setObject(1, day);
          ps.setString(2, vehicleId);
          body.set(part[0], rows(ps));
        }
      }
      return Optional.of(body);
    });
  }

  public ArrayNode alerts(String principal, Instant since, int limit) throws SQLException {
    return as(principal, c -> {
      try (PreparedStatement ps = c.prepareStatement(ALERTS)) {
        ps.setTimestamp(1, Timestamp.from(since));
        ps.setInt(2, limit);
        return rows(ps);
      }
    });
  }

  /**
   * Runs a read in a transaction scoped to the principal. The pool rolls back what is left open when
   * a connection returns (HikariCP does on close), and the scope is transaction-local, so the next
   * request on the connection starts with none: a read that forgets the scope sees no rows.
   */
  private <T> T as(String principal, Read<T> read) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement(ACCESS.sql("as_principal"))) {
          ps.setString(1, Objects.requireNonNull(principal, "principal"));
          ps.execute();
        }
        return read.from(c);
      } finally {
        c.rollback();
      }
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
