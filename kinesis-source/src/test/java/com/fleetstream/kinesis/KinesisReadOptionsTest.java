package com.fleetstream.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KinesisReadOptionsTest {
  @Test
  void defaultsForWhatIsLeftOutAndKeysWithoutCase() {
    KinesisReadOptions o = KinesisReadOptions.from(Map.of("STREAMNAME", "s", "failondataloss", "FALSE"));
    assertThat(o).isEqualTo(new KinesisReadOptions("s", "us-east-1", null, "TRIM_HORIZON", 10_000, 100_000,
        Duration.ofSeconds(5), false, null, null));
  }

  @Test
  void aBadOptionIsNamedWhenTheQueryIsPlanned() {
    assertThatThrownBy(() -> KinesisReadOptions.from(Map.of()))
        .hasMessage("the Kinesis source needs option streamName");
    assertThatThrownBy(() -> KinesisReadOptions.from(Map.of("streamName", "s", "maxRecordsPerRead", "20000")))
        .hasMessage("option maxRecordsPerRead must be within 1..10000, got 20000");
    assertThatThrownBy(() -> KinesisReadOptions.from(Map.of("streamName", "s", "maxFetchMillis", "soon")))
        .hasMessage("option maxFetchMillis must be a whole number, got 'soon'");
    assertThatThrownBy(() -> KinesisReadOptions.from(Map.of("streamName", "s", "failOnDataLoss", "yes")))
        .hasMessage("option failOnDataLoss must be true or false, got 'yes'");
    assertThatThrownBy(() -> KinesisReadOptions.from(Map.of("streamName", "s", "startingPosition", "EARLIEST")))
        .hasMessage("unknown starting position EARLIEST");
  }
}
