package com.fleetstream.api.read;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fleetstream.geo.Geofence;
import java.util.List;
import java.util.Locale;

/**
 * The location job's geofences as GeoJSON: a polygon as a Polygon (its ring closed), a circle as
 * its center Point with {@code radius_meters}, which GeoJSON has no shape for (Leaflet draws it).
 */
public final class GeofenceFeatures {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private GeofenceFeatures() {}

  public static ObjectNode of(List<Geofence> fences) {
    ArrayNode features = JSON.arrayNode();
    for (Geofence g : fences) {
      ObjectNode geometry = JSON.objectNode();
      if (g.shape() == Geofence.Shape.CIRCLE) {
        geometry.put("type", "Point").putArray("coordinates").add(g.longitudes()[0]).add(g.latitudes()[0]);
      } else {
        ArrayNode ring = geometry.put("type", "Polygon").putArray("coordinates").addArray();
        for (int i = 0; i <= g.latitudes().length; i++) {
          int k = i % g.latitudes().length;
          ring.addArray().add(g.longitudes()[k]).add(g.latitudes()[k]);
        }
      }
      ObjectNode properties = JSON.objectNode().put("geofence_id", g.id()).put("name", g.name())
          .put("shape", g.shape().name().toLowerCase(Locale.ROOT))
          .put("alert_on", g.alertOn().name().toLowerCase(Locale.ROOT));
      if (g.shape() == Geofence.Shape.CIRCLE) {
        properties.put("radius_meters", g.radiusMeters());
      }
      ObjectNode feature = JSON.objectNode().put("type", "Feature").put("id", g.id());
      feature.set("geometry", geometry);
      feature.set("properties", properties);
      features.add(feature);
    }
    return JSON.objectNode().put("type", "FeatureCollection").set("features", features);
  }
}
