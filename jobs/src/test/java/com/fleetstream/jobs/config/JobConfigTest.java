package com.fleetstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.args.InvalidArgumentException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {
  private static String[] withDb(String... args) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--PG_JDBC_URL", "jdbc:postgresql://db:5432/fleet", "--PG_USER", "writer"))
        .toArray(String[]::new);
  }

  @Test
  void defaultsRunLocallyAndGlueArgumentsAreTolerated() {
    LocationJobConfig c = LocationJobConfig.parse(withDb("--JOB_NAME", "fleet-location", "--TempDir", "s3://tmp/x",
        "--job-bookmark-option", "job-bookmark-disable", "--enable-metrics"));
    StreamingConfig s = c.streaming();
    assertThat(s.source().streamNames()).containsExactly("vehicle-locations");
    assertThat(s.source().contracts()).isEmpty();
    assertThat(s.source().endpointUrl()).isEqualTo("https://kinesis.us-east-1.amazonaws.com");
    assertThat(s.windowDuration().value()).isEqualTo(Duration.ofHours(1));
    assertThat(s.outputPath()).isEqualTo("file:///tmp/fleetstream/output");
    assertThat(s.checkpointPath()).isEqualTo("file:///tmp/fleetstream/checkpoints/vehicle-locations");
    assertThat(s.source().failOnDataLoss()).isTrue();
    assertThat(s.maxEventAge().value()).isEqualTo(Duration.ofDays(30));
    assertThat(s.stopWhenDrained()).isFalse();
    assertThat(c.idleSpeedKmh()).isEqualTo(1.0);
    assertThat(s.sinks().kinds()).containsExactly(SinkConfig.Kind.PARQUET, SinkConfig.Kind.DELTA,
        SinkConfig.Kind.POSTGRES);
    assertThat(s.sinks().deltaPath()).isEqualTo("file:///tmp/fleetstream/output/delta");
    assertThat(s.sinks().postgres().orElseThrow()).isEqualTo(new PostgresConfig("jdbc:postgresql://db:5432/fleet",
        java.util.Optional.of("writer"), java.util.Optional.empty(), "us-east-1", java.util.Optional.empty(), true, 13,
        SparkDuration.parse("5 minutes"), SparkDuration.parse("30 seconds"), java.util.Optional.empty(),
        java.util.Optional.empty()));
    assertThat(s.historyRetention()).isEqualTo(Duration.ofDays(90));
    assertThat(s.dedupState()).isEqualTo(DedupStateLayout.BUCKETS);
    assertThat(s.metrics()).isEqualTo(new MetricsConfig(java.util.Optional.empty(), "fleet-location",
        java.util.Optional.empty(), "us-east-1"));
    assertThat(LocationJobConfig.parse(withDb("--DEDUP_STATE", "per-id", "--METRICS_NAMESPACE", "Fleetstream"))
        .streaming()).satisfies(p -> {
          assertThat(p.dedupState()).isEqualTo(DedupStateLayout.PER_ID);
          assertThat(p.metrics().namespace()).contains("Fleetstream");
          assertThat(p.metrics().jobName()).isEqualTo("location");
        });
  }

  @Test
  void sinksAndTheirSettings() {
    StreamingConfig s = LocationJobConfig.parse("--SINKS", "parquet, delta", "--DELTA_PATH", "s3://lake/delta",
        "--DELTA_TARGET_FILE_SIZE_MB", "256").streaming();
    assertThat(s.sinks().kinds()).containsExactly(SinkConfig.Kind.PARQUET, SinkConfig.Kind.DELTA);
    assertThat(s.sinks().postgres()).isEmpty();
    assertThat(s.sinks().deltaTargetFileSizeMb()).isEqualTo(256);
    assertThat(s.windowsTriggerInterval()).isEqualTo(s.triggerInterval()); // unless given

    PostgresConfig pg = LocationJobConfig.parse("--SINKS", "postgres", "--PG_JDBC_URL", "jdbc:postgresql://h/db",
        "--PG_SECRET_ID", "fleetstream/postgres", "--AWS_REGION", "eu-central-1", "--PG_MIGRATE", "false")
        .streaming().sinks().postgres().orElseThrow();
    assertThat(pg.secretId()).contains("fleetstream/postgres");
    assertThat(pg.secretsRegion()).isEqualTo("eu-central-1");
    assertThat(pg.migrate()).isFalse();
  }

  @Test
  void sinkArgumentsAreChecked() {
    assertThatThrownBy(() -> LocationJobConfig.parse())
        .hasMessage("--PG_JDBC_URL is required");
    assertThatThrownBy(() -> LocationJobConfig.parse("--SINKS", "parquet,kafka"))
        .hasMessageStartingWith("--SINKS cannot parse 'parquet,kafka': unknown sink 'kafka'");
    assertThatThrownBy(() -> LocationJobConfig.parse("--PG_JDBC_URL", "postgres://h/db"))
        .hasMessageStartingWith("--PG_JDBC_URL must start with jdbc:postgresql://");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--PG_PASSWORD", "hunter2")))
        .hasMessageStartingWith("--PG_PASSWORD is not accepted").hasMessageNotContaining("hunter2");
  }

  @Test
  void noArgumentCarriesCredentialsInAUrlAndTheMessageDoesNotRepeatThem() {
    assertThatThrownBy(() -> LocationJobConfig.parse("--PG_JDBC_URL",
        "jdbc:postgresql://db:5432/fleet?user=etl&password=hunter2&ssl=true"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("--PG_JDBC_URL must not carry credentials "
            + "('jdbc:postgresql://db:5432/fleet?user=etl&password=***&ssl=true')")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> LocationJobConfig.parse("--PG_JDBC_URL=jdbc:postgresql://etl:hunter2@db/fleet"))
        .hasMessageStartingWith("--PG_JDBC_URL must not carry credentials ('jdbc:postgresql://***@db/fleet')")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--OUTPUT_PATH", "s3a://AKIAEXAMPLE:s3cr3t@bucket/out")))
        .hasMessageStartingWith("--OUTPUT_PATH must not carry credentials ('s3a://***@bucket/out')")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--KINESIS_ENDPOINT", "https://u:p4ss@kinesis.local")))
        .hasMessageStartingWith("--KINESIS_ENDPOINT must not carry credentials").hasMessageNotContaining("p4ss");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--conf",
        "spark.x=jdbc:postgresql://h/db;PASSWORD=hunter2"))).hasMessageNotContaining("hunter2");
    // an @ in a path, an ARN and a mail address are not credentials
    assertThat(LocationJobConfig.parse(withDb("--OUTPUT_PATH", "s3://bucket/team@fleet/out",
        "--ALERTS_TOPIC_ARN", "arn:aws:sns:eu-central-1:123456789012:alerts", "--owner", "ops@example.com"))
        .streaming().outputPath()).isEqualTo("s3://bucket/team@fleet/out");
  }

  @Test
  void readsEveryKey() {
    SensorJobConfig c = SensorJobConfig.parse("--SINKS", "parquet", "--STREAM_NAME", "s", "--AWS_REGION", "eu-west-1",
        "--STARTING_POSITION", "latest", "--OUTPUT_PATH", "s3://bucket/curated/",
        "--CHECKPOINT_PATH=s3://bucket/cp", "--TRIGGER_INTERVAL", "30 seconds", "--WINDOWS_TRIGGER_INTERVAL", "2 minutes",
        "--WINDOW_DURATION", "10 minutes", "--THRESHOLDS", "temperature:-5:8,energy::100", "--MAX_RECORDS_PER_READ", "500",
        "--MAX_RECORDS_PER_SHARD", "20000", "--MAX_FETCH_TIME", "2 seconds",
        "--FAIL_ON_DATA_LOSS", "false", "--MAX_EVENT_AGE", "7 days");
    StreamingConfig s = c.streaming();
    assertThat(s.source().endpointUrl()).isEqualTo("https://kinesis.eu-west-1.amazonaws.com");
    assertThat(s.source().startingPosition()).isEqualTo(KinesisSourceConfig.StartingPosition.LATEST);
    assertThat(s.outputPath()).isEqualTo("s3://bucket/curated");
    assertThat(s.checkpointPath()).isEqualTo("s3://bucket/cp");
    assertThat(s.triggerInterval().spark()).isEqualTo("30 seconds");
    assertThat(s.windowsTriggerInterval().value()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.source().maxRecordsPerRead()).isEqualTo(500);
    assertThat(s.source().maxRecordsPerShard()).isEqualTo(20_000);
    assertThat(s.source().maxFetchTime().value()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.source().failOnDataLoss()).isFalse();
    assertThat(s.maxEventAge().value()).isEqualTo(Duration.ofDays(7));
    assertThat(s.windowDuration().value()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.thresholds().byMetric()).isEqualTo(Map.of(
        "temperature", new Thresholds.Range(-5.0, 8.0), "energy", new Thresholds.Range(null, 100.0)));
  }

  @Test
  void severalStreamsEachWithItsContract() {
    StreamingConfig s = SensorJobConfig.parse("--SINKS", "parquet",
        "--STREAM_NAMES", "temp_stream, humidity_stream,energy_stream", "--CONTRACT", "s3://bucket/contracts/per-metric.json",
        "--CONTRACTS", "energy_stream=file:///etc/fleetstream/energy.json").streaming();
    assertThat(s.source().streamNames()).containsExactly("temp_stream", "humidity_stream", "energy_stream");
    assertThat(s.source().contract("temp_stream")).contains(
        new KinesisSourceConfig.ContractFile("CONTRACT", "s3://bucket/contracts/per-metric.json"));
    assertThat(s.source().contract("energy_stream")).contains(
        new KinesisSourceConfig.ContractFile("CONTRACTS", "file:///etc/fleetstream/energy.json"));
    assertThat(s.checkpointPath()).isEqualTo("file:///tmp/fleetstream/checkpoints/temp_stream+humidity_stream+energy_stream");

    assertThatThrownBy(() -> SensorJobConfig.parse("--SINKS", "parquet", "--STREAM_NAME", "a", "--STREAM_NAMES", "b,c"))
        .hasMessage("--STREAM_NAMES and STREAM_NAME are given both: name the streams once");
    assertThatThrownBy(() -> SensorJobConfig.parse("--SINKS", "parquet", "--STREAM_NAMES", "a,,a"))
        .hasMessage("--STREAM_NAMES must be distinct stream names separated by commas, got 'a,,a'");
    assertThatThrownBy(() -> SensorJobConfig.parse("--SINKS", "parquet", "--STREAM_NAMES", "a,b",
        "--CONTRACTS", "c=s3://bucket/c.json"))
        .hasMessage("--CONTRACTS 'c=s3://bucket/c.json' is not stream=uri for one of the job's streams [a, b]");
    assertThatThrownBy(() -> SensorJobConfig.parse("--SINKS", "parquet", "--CONTRACT", "contracts/c.json"))
        .hasMessageStartingWith("--CONTRACT must be a URI with a scheme");
  }

  @Test
  void aBadArgumentIsNamed() {
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--WINDOW_DURATION", "soon")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageStartingWith("--WINDOW_DURATION cannot parse 'soon'");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--TRIGGER_INTERVAL", "0 seconds")))
        .hasMessage("--TRIGGER_INTERVAL must be greater than zero");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--KINESIS_CONNECTOR", "glue")))
        .hasMessageStartingWith("--KINESIS_CONNECTOR is not accepted: the jobs read Kinesis with their own source only");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--OUTPUT_PATH", "relative/dir")))
        .hasMessageStartingWith("--OUTPUT_PATH must be a URI with a scheme");
    assertThatThrownBy(() -> SensorJobConfig.parse(withDb("--THRESHOLDS", "pressure:1:2")))
        .hasMessageContaining("--THRESHOLDS").hasMessageContaining("unknown metric 'pressure'");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--MAX_RECORDS_PER_READ", "0")))
        .hasMessage("--MAX_RECORDS_PER_READ must be within 1..10000, got 0");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--MAX_EVENT_AGE", "4000 days")))
        .hasMessage("--MAX_EVENT_AGE must be at most 3650 days, got 4000 days");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--DEDUP_STATE", "hashed")))
        .hasMessageStartingWith("--DEDUP_STATE cannot parse 'hashed': must be buckets or per-id");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--METRICS_NAMESPACE", "AWS/Glue")))
        .hasMessageStartingWith("--METRICS_NAMESPACE must be 1-255 letters");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("stray")))
        .hasMessage("--stray expected --KEY value");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--PG_HISTORY_RETENTION", "7 days")))
        .hasMessageStartingWith("--PG_HISTORY_RETENTION must be at least MAX_EVENT_AGE (30 days)");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--TRIP_SPEED_KMH", "0")))
        .hasMessage("--TRIP_SPEED_KMH must be above 0 and below 400, got 0.0");
    assertThatThrownBy(() -> LocationJobConfig.parse(withDb("--MAX_DEVICE_DELAY", "0 minutes")))
        .hasMessage("--MAX_DEVICE_DELAY must be greater than zero");
    assertThat(LocationJobConfig.parse(withDb("--MAX_EVENT_AGE", "365 days")).streaming().historyRetention())
        .as("the default follows a longer MAX_EVENT_AGE").isEqualTo(Duration.ofDays(365));
  }

  @Test
  void neverPrintsTheSecret() {
    LocationJobConfig c = LocationJobConfig.parse(withDb("--KINESIS_ACCESS_KEY_ID", "AKIAXXXX",
        "--KINESIS_SECRET_KEY", "very-secret"));
    assertThat(c.toString()).doesNotContain("very-secret").doesNotContain("AKIAXXXX");
  }
}
