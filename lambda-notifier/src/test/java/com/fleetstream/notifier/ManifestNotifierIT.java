package com.fleetstream.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fleetstream.testkit.LoopbackSns;
import com.fleetstream.testkit.S3Server;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/** The real SDK clients against S3Mock (manifests, claims) and a loopback SNS endpoint. */
class ManifestNotifierIT {
  private static final String BUCKET = "final-bucket";
  private static final String MANIFEST_KEY = "_manifests/run 2026-03-02T01:00Z.json";
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:fleetstream-final";
  private static final Instant NOW = Instant.parse("2026-03-02T01:00:10Z");
  private static final String MANIFEST = """
      {"run_id": "2026-03-02T01:00Z", "finished_at": "2026-03-02T01:00:04Z", "base_uri": "s3://final-bucket",
       "tables": [
         {"name": "vehicle_daily_summary", "format": "parquet", "partitions": [
           {"dt": "2026-03-01", "uri": "s3://final-bucket/vehicle_daily_summary/dt=2026-03-01", "rows": 20, "bytes": 2048}]},
         {"name": "sensor_hourly_summary", "format": "parquet", "partitions": [
           {"dt": "2026-03-01", "uri": "s3://final-bucket/sensor_hourly_summary/dt=2026-03-01", "rows": 96, "bytes": 4096},
           {"dt": "2026-03-02", "uri": "s3://final-bucket/sensor_hourly_summary/dt=2026-03-02", "rows": 4, "bytes": 1536}]}]}
      """;

  private static S3Server s3Server;
  private static LoopbackSns sns;
  private static S3Client s3;
  private static ManifestNotifier notifier;
  private final List<String> log = new ArrayList<>();

  @BeforeAll
  static void start() {
    s3Server = S3Server.start(Path.of("target/s3mock/s3mock.jar"), Path.of("target/s3mock-store-" + UUID.randomUUID()),
        BUCKET);
    sns = new LoopbackSns(TOPIC);
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    s3 = Clients.s3(S3Client.builder().endpointOverride(s3Server.endpoint()).forcePathStyle(true)
        .region(Region.US_EAST_1).credentialsProvider(credentials));
    SnsClient snsClient = Clients.sns(SnsClient.builder().endpointOverride(sns.endpoint())
        .region(Region.US_EAST_1).credentialsProvider(credentials));
    NotifierConfig config = NotifierConfig.fromEnvironment(Map.of("TOPIC_ARN", TOPIC, "STALE_CLAIM_SECONDS", "300"));
    notifier = new ManifestNotifier(s3, snsClient, config, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    sns.close();
    s3.close();
    s3Server.close();
  }

  @BeforeEach
  void emptyBucket() {
    sns.reset();
    s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()
        .forEach(o -> s3.deleteObject(b -> b.bucket(BUCKET).key(o.key())));
    s3.putObject(b -> b.bucket(BUCKET).key(MANIFEST_KEY), RequestBody.fromString(MANIFEST));
  }

  private List<ManifestNotifier.Result> deliver() {
    S3Event event = EventLoader.loadS3Event("s3-put-manifest.json");
    return notifier.handle(event.getRecords(), log::add);
  }

  @Test
  void publishesOneEmailPerRunManifestWithExactParameters() {
    List<ManifestNotifier.Result> results = deliver();

    assertThat(results).extracting(ManifestNotifier.Result::key, ManifestNotifier.Result::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("vehicle_daily_summary/dt=2026-03-01/part-00000.snappy.parquet", "ignored"),
        org.assertj.core.groups.Tuple.tuple(MANIFEST_KEY, "published"));
    assertThat(sns.requests()).hasSize(1);
    Map<String, String> publish = new TreeMap<>(sns.requests().get(0));
    assertThat(publish).containsEntry("Action", "Publish").containsEntry("Version", "2010-03-31")
        .containsEntry("TopicArn", TOPIC)
        .containsEntry("Subject", "fleetstream: new final data, 120 rows, dt 2026-03-01..2026-03-02 (run 2026-03-02T01:00Z)")
        .containsEntry("Message", """
            A combine run finished and its data is ready.

            Run:       2026-03-02T01:00Z
            Finished:  2026-03-02T01:00:04Z
            Manifest:  s3://final-bucket/_manifests/run 2026-03-02T01:00Z.json
            Rows:      120
            Size:      7.5 KiB

            vehicle_daily_summary (parquet): 20 rows
              dt=2026-03-01          20 rows     2.0 KiB  s3://final-bucket/vehicle_daily_summary/dt=2026-03-01
            sensor_hourly_summary (parquet): 100 rows
              dt=2026-03-01          96 rows     4.0 KiB  s3://final-bucket/sensor_hourly_summary/dt=2026-03-01
              dt=2026-03-02           4 rows     1.5 KiB  s3://final-bucket/sensor_hourly_summary/dt=2026-03-02

            Try it in Athena:
              SELECT * FROM "fleetstream_final"."vehicle_daily_summary" WHERE dt = '2026-03-02' LIMIT 10;
            """);
    assertThat(attributes(publish)).isEqualTo(Map.of(
        "dataset", "String=fleetstream-final",
        "dt", "String.Array=[\"2026-03-01\",\"2026-03-02\"]"));
    assertThat(log).containsExactly(
        "s3://final-bucket/vehicle_daily_summary/dt=2026-03-01/part-00000.snappy.parquet: ignored",
        "s3://final-bucket/_manifests/run 2026-03-02T01:00Z.json: published as SNS message msg-1");
  }

  /**
   * Deliveries one after the other. Two at the same instant are told apart by S3 itself (a
   * conditional PUT is atomic there; S3Mock checks and writes in two steps, so a race cannot be
   * tested against it); the claim one of them finds is covered by the stale-claim test below.
   */
  @Test
  void theSameEventDeliveredAgainPublishesOnce() {
    assertThat(deliver()).extracting(ManifestNotifier.Result::outcome).containsExactly("ignored", "published");
    assertThat(deliver()).extracting(ManifestNotifier.Result::outcome).containsExactly("ignored", "duplicate");
    assertThat(sns.requests()).hasSize(1);
  }

  @Test
  void throttlingIsRetriedWithBackOffUntilItSucceeds() {
    sns.failNext(2, 400, "Throttling");
    sns.failNext(1, 500, "InternalError");

    assertThat(deliver()).extracting(ManifestNotifier.Result::outcome).containsExactly("ignored", "published");
    assertThat(sns.requests()).hasSize(4).allSatisfy(r -> assertThat(r).containsEntry("TopicArn", TOPIC));
  }

  @Test
  void aPermanentFailureThrowsAndLeavesTheEventToBeRetried() {
    sns.failNext(1, 404, "NotFound");
    assertThatThrownBy(this::deliver).isInstanceOf(NotFoundException.class);
    assertThat(sns.requests()).hasSize(1);

    // the claim was released: Lambda's retry of the same event publishes
    assertThat(deliver()).extracting(ManifestNotifier.Result::outcome).containsExactly("ignored", "published");
  }

  @Test
  void aMissingManifestIsAClearError() {
    s3.deleteObject(b -> b.bucket(BUCKET).key(MANIFEST_KEY));
    assertThatThrownBy(this::deliver).isInstanceOf(IllegalStateException.class)
        .hasMessage("manifest s3://final-bucket/_manifests/run 2026-03-02T01:00Z.json named by the event does not exist");
    assertThat(sns.requests()).isEmpty();
  }

  @Test
  void aClaimLeftByADeadInvocationIsTakenOverOnceStale() {
    String claim = "_notifier/published/" + claimId();
    s3.putObject(b -> b.bucket(BUCKET).key(claim), RequestBody.fromString("claimed " + NOW.minusSeconds(60)));
    assertThatThrownBy(this::deliver).hasMessageContaining("is being published by another invocation");
    assertThat(sns.requests()).isEmpty();

    s3.putObject(b -> b.bucket(BUCKET).key(claim), RequestBody.fromString("claimed " + NOW.minus(Duration.ofHours(1))));
    assertThat(deliver()).extracting(ManifestNotifier.Result::outcome).containsExactly("ignored", "published");
    assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(claim)).asUtf8String()).isEqualTo("published msg-1");
  }

  private static String claimId() {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
          (BUCKET + "/" + MANIFEST_KEY + "/fedcba9876543210fedcba9876543210").getBytes(
              java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> attributes(Map<String, String> publish) {
    Map<String, String> attributes = new TreeMap<>();
    for (int i = 1; publish.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
      String prefix = "MessageAttributes.entry." + i + ".";
      attributes.put(publish.get(prefix + "Name"),
          publish.get(prefix + "Value.DataType") + "=" + publish.get(prefix + "Value.StringValue"));
    }
    return attributes;
  }
}
