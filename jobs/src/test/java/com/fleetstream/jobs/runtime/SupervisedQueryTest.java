package com.fleetstream.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.retry.Retry;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.model.SnsException;

/** How the alerts query's failures are taken: an outage waits for the server, anything else fails the job. */
class SupervisedQueryTest {
  private static final SnsException SNS_DOWN = sns(503, "ServiceUnavailable");

  /** An hour of SNS answering 503 past the SDK's retries: twelve failures in a row, the query restarted each time. */
  @Test
  void anOutageRestartsTheQueryUntilTheServerIsBack() {
    AtomicInteger starts = new AtomicInteger();
    SupervisedQuery query = new SupervisedQuery(() -> failing(starts, SNS_DOWN), true, Duration.ZERO, Duration.ZERO);
    for (int check = 0; check < 24; check++) {
      query.check("job", name -> "checkpoint");
    }
    assertThat(starts).as("the first start and a restart after each failure").hasValue(13);
  }

  /** Before, an outage counted as any failure: the sixth in a row failed the job. */
  @Test
  void anyOtherFailureFailsTheJobAtTheSixthInARow() {
    AtomicInteger starts = new AtomicInteger();
    SupervisedQuery query = new SupervisedQuery(() -> failing(starts, sns(403, "AuthorizationError")), true,
        Duration.ZERO, Duration.ZERO);
    for (int check = 0; check < 10; check++) {
      query.check("job", name -> "checkpoint");
    }
    assertThat(starts).hasValue(6);
    assertThatThrownBy(() -> query.check("job", name -> "checkpoint")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("6 failures in a row");
  }

  @Test
  void outagesAreServersThatWaitingMends() {
    assertThat(SupervisedQuery.outage(new IllegalStateException("job alerts publication, batch 3",
        SdkClientException.create("Unable to execute HTTP request", new ConnectException("Connection refused")))))
        .isTrue();
    assertThat(SupervisedQuery.outage(SNS_DOWN)).isTrue();
    assertThat(SupervisedQuery.outage(sns(400, "Throttling"))).isTrue();
    assertThat(SupervisedQuery.outage(new IllegalStateException("PostgreSQL still unavailable after 11 attempts",
        new SQLException("the connection attempt failed", "08001")))).isTrue();
    assertThat(SupervisedQuery.outage(sns(400, "InvalidParameter"))).isFalse();
    assertThat(SupervisedQuery.outage(new SQLException("duplicate key", "23505"))).isFalse();
    assertThat(SupervisedQuery.outage(new IllegalArgumentException("a bug"))).isFalse();
    assertThat(Retry.isTransient(new SQLException("the connection attempt failed", "08001"))).isTrue();
  }

  private static SnsException sns(int status, String code) {
    return (SnsException) SnsException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
  }

  /** A query that has already failed with {@code cause}, as Spark reports one. */
  private static StreamingQuery failing(AtomicInteger starts, Throwable cause) {
    starts.incrementAndGet();
    StreamingQueryException failure = new StreamingQueryException("location-alerts", cause.getMessage(), cause,
        "{}", "{}", "STREAM_FAILED", scala.collection.immutable.Map$.MODULE$.<String, String>empty());
    return (StreamingQuery) Proxy.newProxyInstance(StreamingQuery.class.getClassLoader(),
        new Class<?>[] {StreamingQuery.class}, (proxy, method, args) -> switch (method.getName()) {
          case "isActive" -> false;
          case "awaitTermination" -> throw failure;
          case "name" -> "location-alerts";
          case "recentProgress" -> new StreamingQueryProgress[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
