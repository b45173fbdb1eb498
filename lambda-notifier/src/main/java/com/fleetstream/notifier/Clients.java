package com.fleetstream.notifier;

import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;

/**
 * How the notifier's SDK clients are set up, on Lambda and in tests alike: the JDK's HTTP client (no
 * Netty or Apache client to load at cold start) and, for SNS, standard retries (throttling and 5xx,
 * exponential back-off with jitter) up to {@value #SNS_ATTEMPTS} attempts.
 */
public final class Clients {
  static final int SNS_ATTEMPTS = 6;

  private Clients() {}

  public static SnsClient sns(SnsClientBuilder builder) {
    return builder
        .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(10)))
        .overrideConfiguration(o -> o.retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(SNS_ATTEMPTS).build()))
        .build();
  }

  public static S3Client s3(S3ClientBuilder builder) {
    return builder.httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }
}
