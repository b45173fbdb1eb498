package com.fleetstream.jobs;

import com.fleetstream.testkit.S3Server;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * The one S3Mock of a test JVM, with bucket {@value #BUCKET}, and the shared SparkSession's s3a
 * settings pointing at it (path-style, plain HTTP).
 */
public final class TestS3 {
  public static final String BUCKET = "lake";
  private static S3Server server;

  private TestS3() {}

  /** Points s3a at an S3 server: path-style, plain HTTP, its static keys, few retries. */
  public static void useS3a(Configuration conf, java.net.URI endpoint, String region) {
    S3Server.s3aSettings(endpoint, region, true).forEach(conf::set);
    conf.set("fs.s3a.attempts.maximum", "3");
  }

  /** A fresh base URI under the bucket. */
  public static synchronized String base() {
    if (server == null) {
      server = S3Server.start(Path.of("target/s3mock/s3mock.jar"),
          Path.of("target/s3mock-store-" + UUID.randomUUID()), BUCKET);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      useS3a(SparkTestSession.get().sparkContext().hadoopConfiguration(), server.endpoint(), "us-east-1");
    }
    return "s3a://" + BUCKET + "/" + UUID.randomUUID();
  }
}
