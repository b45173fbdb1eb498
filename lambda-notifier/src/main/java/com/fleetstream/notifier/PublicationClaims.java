package com.fleetstream.notifier;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 delivers events at least once, so the same manifest can arrive twice, even at the same time.
 * A small object per (bucket, key, eTag) records who is publishing it, written with S3's
 * conditional PUT ({@code If-None-Match: *}): of two invocations racing, exactly one creates it.
 * The record says "claimed" while publishing and "published" after. A claim older than the
 * function's timeout belongs to an invocation that died; the next delivery takes it over (again
 * conditionally, on its eTag). A failed publish deletes the claim so a retry can publish.
 *
 * <p>Chosen over DynamoDB so the notifier needs nothing but the bucket it already reads.
 */
final class PublicationClaims {
  enum Outcome { CLAIMED, ALREADY_PUBLISHED, IN_PROGRESS }

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final Duration stale;
  private final Clock clock;

  PublicationClaims(S3Client s3, String bucket, String prefix, Duration stale, Clock clock) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.stale = stale;
    this.clock = clock;
  }

  Outcome claim(String id) {
    if (put(id, "claimed " + clock.instant(), null)) {
      return Outcome.CLAIMED;
    }
    ResponseBytes<GetObjectResponse> current = s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + id));
    String[] state = current.asString(StandardCharsets.UTF_8).split(" ", 2);
    if (state[0].equals("published")) {
      return Outcome.ALREADY_PUBLISHED;
    }
    Instant claimedAt = Instant.parse(state[1]);
    if (claimedAt.plus(stale).isBefore(clock.instant()) && put(id, "claimed " + clock.instant(),
        current.response().eTag())) {
      return Outcome.CLAIMED;
    }
    return Outcome.IN_PROGRESS;
  }

  void published(String id, String messageId) {
    s3.putObject(b -> b.bucket(bucket).key(prefix + id).contentType("text/plain"),
        RequestBody.fromString("published " + messageId));
  }

  void release(String id) {
    s3.deleteObject(b -> b.bucket(bucket).key(prefix + id));
  }

  /** @return false when the condition did not hold (412) */
  private boolean put(String id, String body, String ifMatch) {
    try {
      s3.putObject(b -> {
        b.bucket(bucket).key(prefix + id).contentType("text/plain");
        if (ifMatch == null) {
          b.ifNoneMatch("*");
        } else {
          b.ifMatch(ifMatch);
        }
      }, RequestBody.fromString(body));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw e;
    }
  }
}
