package com.fleetstream.notifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import java.time.Clock;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Lambda entry point. Clients are built once per container, outside the handler (and so before a
 * SnapStart snapshot); region and credentials come from the Lambda environment. Anything that
 * still fails after the SDK's retries is thrown, so Lambda retries the event and then hands it to
 * the on-failure destination.
 */
public final class Handler implements RequestHandler<S3Event, String> {
  private static final ManifestNotifier NOTIFIER = new ManifestNotifier(
      Clients.s3(S3Client.builder()),
      Clients.sns(SnsClient.builder()),
      NotifierConfig.fromEnvironment(System.getenv()),
      Clock.systemUTC());

  @Override
  public String handleRequest(S3Event event, Context context) {
    return NOTIFIER.handle(event.getRecords(), context.getLogger()::log).toString();
  }
}
