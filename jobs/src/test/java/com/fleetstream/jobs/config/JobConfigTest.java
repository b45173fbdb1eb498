package com.fleetstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {

  @Test
  void defaultsRunLocallyAndGlueArgumentsAreTolerated() {
    LocationJobConfig c = LocationJobConfig.parse("--JOB_NAME", "fleet-location", "--TempDir", "s3://tmp/x",
        "--job-bookmark-option", "job-bookmark-disable", "--enable-metrics");
    StreamingConfig s = c.streaming();
    assertThat(s.source().streamName()).isEqualTo("vehicle-locations");
    assertThat(s.source().endpointUrl()).isEqualTo("https://kinesis.us-east-1.amazonaws.com");
    assertThat(s.source().connector()).isEqualTo(KinesisSourceConfig.Connector.SPARK_SQL_KINESIS);
    assertThat(s.windowDuration().value()).isEqualTo(Duration.ofHours(1));
    assertThat(s.outputPath()).isEqualTo("file:///tmp/fleetstream/output");
    assertThat(s.stopWhenDrained()).isFalse();
    assertThat(c.idleSpeedKmh()).isEqualTo(1.0);
  }

  @Test
  void readsEveryKey() {
    SensorJobConfig c = SensorJobConfig.parse("--STREAM_NAME", "s", "--AWS_REGION", "eu-west-1",
        "--KINESIS_CONNECTOR", "glue", "--STARTING_POSITION", "latest", "--OUTPUT_PATH", "s3://bucket/curated/",
        "--CHECKPOINT_PATH=s3://bucket/cp", "--TRIGGER_INTERVAL", "30 seconds", "--WINDOW_DURATION", "10 minutes",
        "--THRESHOLDS", "temperature:-5:8,energy::100", "--MAX_RECORDS_PER_READ", "500");
    StreamingConfig s = c.streaming();
    assertThat(s.source().endpointUrl()).isEqualTo("https://kinesis.eu-west-1.amazonaws.com");
    assertThat(s.source().connector()).isEqualTo(KinesisSourceConfig.Connector.GLUE);
    assertThat(s.source().startingPosition()).isEqualTo(KinesisSourceConfig.StartingPosition.LATEST);
    assertThat(s.outputPath()).isEqualTo("s3://bucket/curated");
    assertThat(s.checkpointPath()).isEqualTo("s3://bucket/cp");
    assertThat(s.triggerInterval().spark()).isEqualTo("30 seconds");
    assertThat(s.windowDuration().value()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.thresholds().byMetric()).isEqualTo(Map.of(
        "temperature", new Thresholds.Range(-5.0, 8.0), "energy", new Thresholds.Range(null, 100.0)));
  }

  @Test
  void aBadArgumentIsNamed() {
    assertThatThrownBy(() -> LocationJobConfig.parse("--WINDOW_DURATION", "soon"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageStartingWith("--WINDOW_DURATION cannot parse 'soon'");
    assertThatThrownBy(() -> LocationJobConfig.parse("--TRIGGER_INTERVAL", "0 seconds"))
        .hasMessage("--TRIGGER_INTERVAL must be greater than zero");
    assertThatThrownBy(() -> LocationJobConfig.parse("--KINESIS_CONNECTOR", "kcl"))
        .hasMessageStartingWith("--KINESIS_CONNECTOR cannot parse 'kcl'");
    assertThatThrownBy(() -> LocationJobConfig.parse("--OUTPUT_PATH", "relative/dir"))
        .hasMessageStartingWith("--OUTPUT_PATH must be a URI with a scheme");
    assertThatThrownBy(() -> SensorJobConfig.parse("--THRESHOLDS", "pressure:1:2"))
        .hasMessageContaining("--THRESHOLDS").hasMessageContaining("unknown metric 'pressure'");
    assertThatThrownBy(() -> LocationJobConfig.parse("--MAX_RECORDS_PER_READ", "0"))
        .hasMessage("--MAX_RECORDS_PER_READ must be within 1..10000, got 0");
    assertThatThrownBy(() -> LocationJobConfig.parse("stray"))
        .hasMessage("--stray expected --KEY value");
  }

  @Test
  void neverPrintsTheSecret() {
    LocationJobConfig c = LocationJobConfig.parse("--KINESIS_ACCESS_KEY_ID", "AKIAXXXX", "--KINESIS_SECRET_KEY",
        "very-secret");
    assertThat(c.toString()).doesNotContain("very-secret").doesNotContain("AKIAXXXX");
  }
}
