package com.fleetstream.jobs.io;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The jobs' AWS clients on the driver (SNS, CloudWatch): the JDK's HTTP client (no Netty beside
 * Spark's), a 10 s socket timeout, the caller's retries, the job role's credentials; with an
 * endpoint of a local stand-in, unsigned calls to it.
 */
public final class AwsClients {
  private AwsClients() {}

  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String region,
      Optional<URI> endpoint, RetryStrategy retries) {
    builder.region(Region.of(region))
        .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(10)))
        .overrideConfiguration(o -> o.retryStrategy(retries));
    endpoint.ifPresent(e -> builder.endpointOverride(e).credentialsProvider(AnonymousCredentialsProvider.create()));
    return builder.build();
  }
}
