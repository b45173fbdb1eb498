package com.fleetstream.jobs.source;

import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.geo.Geofence;
import com.fleetstream.jobs.io.UriText;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The geofences file ({@code GEOFENCES}), read once at start from wherever Hadoop reads (S3, local). */
public final class GeofenceFile {
  private GeofenceFile() {}

  public static List<Geofence> read(SparkSession spark, String uri) {
    String json = UriText.read(spark, "GEOFENCES", uri);
    try {
      return Geofence.parseAll(json);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("GEOFENCES", uri + ": " + e.getMessage());
    }
  }
}
