package com.fleetstream.notifier;

import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * For every S3 record that is a run manifest: read it, compose the email, publish it once. Other
 * objects (the Parquet files themselves, claims) are skipped, so a run makes one email.
 */
public final class ManifestNotifier {
  /** What happened to one record, for the log and the tests. */
  public record Result(String bucket, String key, String outcome, String messageId) {}

  private final S3Client s3;
  private final SnsClient sns;
  private final NotifierConfig config;
  private final Clock clock;

  public ManifestNotifier(S3Client s3, SnsClient sns, NotifierConfig config, Clock clock) {
    this.s3 = s3;
    this.sns = sns;
    this.config = config;
    this.clock = clock;
  }

  /** @param log where one line per record goes (the Lambda logger) */
  public List<Result> handle(List<S3EventNotificationRecord> records, java.util.function.Consumer<String> log) {
    List<Result> results = new ArrayList<>();
    for (S3EventNotificationRecord r : records) {
      String bucket = r.getS3().getBucket().getName();
      // keys arrive URL-encoded, spaces as '+'
      String key = URLDecoder.decode(r.getS3().getObject().getKey(), StandardCharsets.UTF_8);
      Result result = handleOne(bucket, key, r.getS3().getObject().geteTag());
      log.accept("s3://" + bucket + "/" + key + ": " + result.outcome()
          + (result.messageId() == null ? "" : " as SNS message " + result.messageId()));
      results.add(result);
    }
    return results;
  }

  private Result handleOne(String bucket, String key, String eTag) {
    if (!key.startsWith(config.manifestPrefix()) || !key.endsWith(config.manifestSuffix())) {
      return new Result(bucket, key, "ignored", null);
    }
    String manifestUri = "s3://" + bucket + "/" + key;
    String json;
    try {
      json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    } catch (NoSuchKeyException e) {
      throw new IllegalStateException("manifest " + manifestUri + " named by the event does not exist", e);
    }
    Email email = Email.of(Manifest.parse(json), manifestUri, config.athenaDatabase(), config.dataset());

    PublicationClaims claims = new PublicationClaims(s3, bucket, config.idempotencyPrefix(), config.staleClaim(),
        clock);
    String id = sha256(bucket + "/" + key + "/" + eTag);
    switch (claims.claim(id)) {
      case ALREADY_PUBLISHED:
        return new Result(bucket, key, "duplicate", null);
      case IN_PROGRESS:
        // another invocation is publishing it; fail so this delivery is retried later and takes over
        // if that one died
        throw new IllegalStateException(manifestUri + " is being published by another invocation");
      default:
        break;
    }
    String messageId;
    try {
      messageId = sns.publish(b -> b.topicArn(config.topicArn()).subject(email.subject()).message(email.body())
          .messageAttributes(Map.of(
              "dataset", MessageAttributeValue.builder().dataType("String").stringValue(email.dataset()).build(),
              "dt", MessageAttributeValue.builder().dataType("String.Array")
                  .stringValue(jsonArray(email.days())).build())))
          .messageId();
    } catch (RuntimeException e) {
      claims.release(id);
      throw e;
    }
    claims.published(id, messageId);
    return new Result(bucket, key, "published", messageId);
  }

  private static String jsonArray(List<String> values) {
    StringBuilder s = new StringBuilder("[");
    for (String v : values) {
      s.append(s.length() > 1 ? "," : "").append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return s.append(']').toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
