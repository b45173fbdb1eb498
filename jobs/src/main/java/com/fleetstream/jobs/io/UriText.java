package com.fleetstream.jobs.io;

import com.fleetstream.args.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A small file a job argument names (geofences, an input contract, a CA bundle), read once at start
 * from wherever Hadoop reads.
 */
public final class UriText {
  private UriText() {}

  /** @param key the argument that named {@code uri}, for the message when it cannot be read */
  public static String read(SparkSession spark, String key, String uri) {
    Path path = new Path(uri);
    try (InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidArgumentException(key, "cannot read " + uri + ": " + e);
    }
  }
}
