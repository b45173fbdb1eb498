package com.fleetstream.bench;

import com.fleetstream.notifier.Clients;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * What the notifier's cold start costs: the shaded jar's size and the time to build its SDK clients
 * (what the Handler does once per container), measured first in a fresh JVM. The baseline builds
 * the same clients with the SDK's default HTTP client discovery, as most Lambdas do.
 */
final class LambdaBenchmark {
  private LambdaBenchmark() {}

  static Results.Row[] run(Path repo) throws Exception {
    Path jar = repo.resolve("lambda-notifier/target/fleetstream-notifier-lambda.jar");
    long size = Files.size(jar);
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"));
    long t0 = System.nanoTime();
    try (S3Client s3 = Clients.s3(S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials));
         SnsClient sns = Clients.sns(SnsClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
             .endpointOverride(URI.create("http://127.0.0.1:9")))) {
      double ms = (System.nanoTime() - t0) / 1e6;
      return new Results.Row[] {
          new Results.Row("notifier: SDK clients built at cold start (ms)", ms, Double.NaN, "ms", "none (absolute)"),
          new Results.Row("notifier: shaded jar size (MB)", size / 1048576.0, Double.NaN, "MB", "none (absolute)")};
    }
  }
}
