package com.fleetstream.jobs.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final Retry retry = new Retry(3, Duration.ofMillis(1));

  @Test
  void transientFailuresAreRetriedUntilTheWorkSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    assertThat(retry.run("batch 1", () -> {
      if (calls.incrementAndGet() < 3) {
        throw new SQLException("lock", "55P03");
      }
      return "done";
    })).isEqualTo("done");
    assertThat(calls).hasValue(3);
  }

  @Test
  void theMessageNamesTheSystemThatIsDown() {
    assertThatThrownBy(() -> retry.run("batch 2", () -> {
      throw new IllegalStateException("copy failed",
          new SQLTransientConnectionException("Connection refused", "08001", new ConnectException("refused")));
    })).hasMessage("batch 2: PostgreSQL still unavailable after 3 attempts");
    assertThatThrownBy(() -> retry.run("location alerts publication, batch 3", () -> {
      throw new IllegalStateException("publish failed",
          new ConnectException("Connection refused: sns.eu-central-1.amazonaws.com/10.0.0.9:443"));
    })).hasMessage("location alerts publication, batch 3: the server behind 'java.net.ConnectException: "
        + "Connection refused: sns.eu-central-1.amazonaws.com/10.0.0.9:443' still unavailable after 3 attempts")
        .hasMessageNotContaining("PostgreSQL");
  }

  @Test
  void anythingElseFailsAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> retry.run("batch 4", () -> {
      calls.incrementAndGet();
      throw new SQLException("duplicate key", "23505");
    })).hasMessage("batch 4 failed");
    assertThat(calls).hasValue(1);
  }
}
