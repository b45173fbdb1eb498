package com.fleetstream.geo;

/**
 * Distances and bearings on a sphere of the earth's mean radius (IUGG): within 0.5 % of the
 * ellipsoid, far below GPS error over the distances between fixes. The jobs' Spark expression for
 * the same formula ({@code Haversine}) is tested against {@link #haversineKm}.
 */
public final class GreatCircle {
  public static final double EARTH_RADIUS_KM = 6371.0088;

  private GreatCircle() {}

  public static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1.0, Math.sqrt(a)));
  }

  public static double bearingDeg(double lat1, double lon1, double lat2, double lon2) {
    double phi1 = Math.toRadians(lat1);
    double phi2 = Math.toRadians(lat2);
    double dLon = Math.toRadians(lon2 - lon1);
    double y = Math.sin(dLon) * Math.cos(phi2);
    double x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLon);
    return (Math.toDegrees(Math.atan2(y, x)) + 360) % 360;
  }

  /** The point {@code distanceKm} from (lat, lon) along {@code bearingDeg}; returns {lat, lon}. */
  public static double[] destination(double lat, double lon, double bearingDeg, double distanceKm) {
    double delta = distanceKm / EARTH_RADIUS_KM;
    double theta = Math.toRadians(bearingDeg);
    double phi1 = Math.toRadians(lat);
    double lambda1 = Math.toRadians(lon);
    double phi2 = Math.asin(Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta));
    double lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
        Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2));
    return new double[] {Math.toDegrees(phi2), ((Math.toDegrees(lambda2) + 540) % 360) - 180};
  }
}
