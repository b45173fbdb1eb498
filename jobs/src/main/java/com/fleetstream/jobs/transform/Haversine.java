package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.asin;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.radians;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.sqrt;

import com.fleetstream.geo.GreatCircle;
import org.apache.spark.sql.Column;

/**
 * {@link GreatCircle#haversineKm} as a Spark expression (no UDF, so Catalyst can generate code for
 * it); {@code WindowStatsTest} holds the two to the same distances.
 */
public final class Haversine {
  private static final double EARTH_RADIUS_KM = GreatCircle.EARTH_RADIUS_KM;

  private Haversine() {}

  public static Column km(Column lat1, Column lon1, Column lat2, Column lon2) {
    Column dLat = radians(lat2.minus(lat1));
    Column dLon = radians(lon2.minus(lon1));
    Column a = pow(sin(dLat.divide(2)), 2)
        .plus(cos(radians(lat1)).multiply(cos(radians(lat2))).multiply(pow(sin(dLon.divide(2)), 2)));
    return lit(2 * EARTH_RADIUS_KM).multiply(asin(least(lit(1.0), sqrt(a))));
  }
}
