package com.fleetstream.geo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An area vehicles are watched entering or leaving: a circle ({@code center}, {@code radius_meters})
 * or a polygon ({@code points}, at least three, not closed). Read from a JSON array:
 * <pre>{"geofence_id": "depot", "name": "Depot", "type": "circle",
 *  "center": {"latitude": 52.5, "longitude": 13.4}, "radius_meters": 500, "alert_on": "exit"}</pre>
 * {@code alert_on} is {@code enter}, {@code exit} or {@code both}.
 */
public record Geofence(String id, String name, Shape shape, double[] latitudes, double[] longitudes,
    double radiusMeters, AlertOn alertOn) implements Serializable {
  public enum Shape { CIRCLE, POLYGON }

  public enum AlertOn {
    ENTER, EXIT, BOTH;

    public boolean on(boolean entering) {
      return this == BOTH || (this == ENTER) == entering;
    }
  }

  public boolean contains(double latitude, double longitude) {
    if (shape == Shape.CIRCLE) {
      return GreatCircle.haversineKm(latitudes[0], longitudes[0], latitude, longitude) * 1000 <= radiusMeters;
    }
    // ray casting on the plane of latitude/longitude: fine for fences far smaller than a continent
    boolean inside = false;
    for (int i = 0, j = latitudes.length - 1; i < latitudes.length; j = i++) {
      if ((latitudes[i] > latitude) != (latitudes[j] > latitude)
          && longitude < (longitudes[j] - longitudes[i]) * (latitude - latitudes[i])
              / (latitudes[j] - latitudes[i]) + longitudes[i]) {
        inside = !inside;
      }
    }
    return inside;
  }

  public String describe() {
    return shape == Shape.CIRCLE
        ? String.format(Locale.ROOT, "%s (circle of %.0f m)", name, radiusMeters)
        : String.format(Locale.ROOT, "%s (polygon of %d points)", name, latitudes.length);
  }

  /** @throws IllegalArgumentException naming the geofence and field that is wrong */
  public static List<Geofence> parseAll(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("expected a JSON array of geofences");
    }
    List<Geofence> fences = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      Geofence g = parse(root.get(i), i);
      if (!ids.add(g.id())) {
        throw new IllegalArgumentException("geofence_id '" + g.id() + "' appears twice");
      }
      fences.add(g);
    }
    return List.copyOf(fences);
  }

  private static Geofence parse(JsonNode n, int index) {
    String id = text(n, "geofence_id", "geofence #" + index);
    String where = "geofence '" + id + "'";
    String name = n.hasNonNull("name") ? n.get("name").asText() : id;
    AlertOn alertOn = choice(AlertOn.class, n.hasNonNull("alert_on") ? n.get("alert_on").asText() : "both",
        where + ": alert_on");
    Shape shape = choice(Shape.class, text(n, "type", where), where + ": type");
    if (shape == Shape.CIRCLE) {
      JsonNode center = n.get("center");
      if (center == null || !center.isObject()) {
        throw new IllegalArgumentException(where + ": a circle needs center {latitude, longitude}");
      }
      double radius = number(n, "radius_meters", where);
      if (!(radius > 0)) {
        throw new IllegalArgumentException(where + ": radius_meters must be greater than 0");
      }
      return new Geofence(id, name, shape, new double[] {latitude(center, where)},
          new double[] {longitude(center, where)}, radius, alertOn);
    }
    JsonNode points = n.get("points");
    if (points == null || !points.isArray() || points.size() < 3) {
      throw new IllegalArgumentException(where + ": a polygon needs at least 3 points {latitude, longitude}");
    }
    double[] lats = new double[points.size()];
    double[] lons = new double[points.size()];
    for (int p = 0; p < points.size(); p++) {
      lats[p] = latitude(points.get(p), where);
      lons[p] = longitude(points.get(p), where);
    }
    return new Geofence(id, name, shape, lats, lons, 0, alertOn);
  }

  private static double latitude(JsonNode point, String where) {
    double v = number(point, "latitude", where);
    if (v < -90 || v > 90) {
      throw new IllegalArgumentException(where + ": latitude " + v + " is outside [-90, 90]");
    }
    return v;
  }

  private static double longitude(JsonNode point, String where) {
    double v = number(point, "longitude", where);
    if (v < -180 || v > 180) {
      throw new IllegalArgumentException(where + ": longitude " + v + " is outside [-180, 180]");
    }
    return v;
  }

  private static String text(JsonNode n, String field, String where) {
    if (n == null || !n.hasNonNull(field) || n.get(field).asText().isBlank()) {
      throw new IllegalArgumentException(where + ": " + field + " is missing");
    }
    return n.get(field).asText();
  }

  private static double number(JsonNode n, String field, String where) {
    if (n == null || !n.hasNonNull(field) || !n.get(field).isNumber()) {
      throw new IllegalArgumentException(where + ": " + field + " must be a number");
    }
    return n.get(field).asDouble();
  }

  private static <E extends Enum<E>> E choice(Class<E> type, String value, String where) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is '" + value + "', expected one of "
          + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
    }
  }
}
