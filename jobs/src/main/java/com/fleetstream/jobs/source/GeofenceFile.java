package com.fleetstream.jobs.source;

import com.fleetstream.args.InvalidArgumentException;
import com.fleetstream.geo.Geofence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** The geofences file ({@code GEOFENCES}), read once at start from wherever Hadoop reads (S3, local). */
public final class GeofenceFile {
  private GeofenceFile() {}

  public static List<Geofence> read(SparkSession spark, String uri) {
    Path path = new Path(uri);
    String json;
    try (InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidArgumentException("GEOFENCES", "cannot read " + uri + ": " + e);
    }
    try {
      return Geofence.parseAll(json);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("GEOFENCES", uri + ": " + e.getMessage());
    }
  }
}
