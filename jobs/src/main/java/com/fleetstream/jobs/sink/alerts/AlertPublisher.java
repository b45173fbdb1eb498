package com.fleetstream.jobs.sink.alerts;

import com.fleetstream.jobs.config.AlertsConfig;
import com.fleetstream.jobs.io.AwsClients;
import com.fleetstream.jobs.retry.Retry;
import com.fleetstream.jobs.sink.BatchId;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.sql.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * Sends the job's pending alerts from {@code fleet.alerts} to SNS, from the driver, after the batch's
 * alerts were stored. Each alert is marked published (with SNS's message id) or suppressed right
 * after its own publish, so a replayed batch or a restarted job sends nothing twice. A mark that
 * fails (PostgreSQL restarting, a dropped connection) is retried with the message id SNS gave, not
 * by sending again: only the driver's death between a publish and its mark repeats that one
 * message (SNS standard topics keep no deduplication id). A session advisory lock keeps two
 * drivers of the same job from publishing at once. An alert SNS refuses for its content
 * ({@code InvalidParameter}) is marked failed with SNS's answer and the others go on; any other
 * refusal (a missing topic, no permission) fails the batch. With {@code SNS_ENDPOINT} (local
 * stand-ins) the requests are not signed.
 */
public final class AlertPublisher implements BatchSink {
  private static final Logger LOG = LoggerFactory.getLogger(AlertPublisher.class);
  private static final SqlScript SQL = SqlScript.load("sql/postgres/alerts/publisher.sql");
  private static final int SNS_ATTEMPTS = 6;
  /** SNS's subject: printable ASCII, under 100 characters. */
  private static final int SUBJECT_MAX = 99;

  private final PgConnectionSpec db;
  private final String job;
  private final AlertsConfig config;
  private final Retry retry;
  /**
   * Alerts SNS took whose mark has not committed, by alert id: the next attempt marks them as sent.
   * Only this query's lane uses it.
   */
  private final Map<String, Sent> sentNotMarked = new HashMap<>();
  private SnsClient sns;

  public AlertPublisher(PgConnectionSpec db, String job, AlertsConfig config, Retry retry) {
    this.db = db;
    this.job = job;
    this.config = config;
    this.retry = retry;
  }

  private record Pending(String id, String entity, String rule, String kind, Timestamp time, String eventId,
      String detail) {}

  /** What an alert went out as: {@code published} alone or {@code digested} with others, and SNS's message id. */
  private record Sent(String status, String messageId) {}

  @Override
  public String name() {
    return "sns:alerts";
  }

  /** Behind the PostgreSQL sink that stores the batch's alerts. */
  @Override
  public String lane() {
    return "postgres";
  }

  /** @return messages sent: one per published alert, plus a digest if there was one */
  @Override
  public long write(Dataset<Row> batch, long count, BatchId id) {
    return retry.run(job + " alerts publication, batch " + id.batch(), this::publishPending);
  }

  private long publishPending() throws SQLException {
    try (Connection c = db.open()) {
      c.setAutoCommit(true);
      try (PreparedStatement lock = c.prepareStatement(SQL.sql("lock"))) {
        lock.setString(1, job);
        lock.execute();
      }
      List<Pending> pending = pending(c);
      List<Pending> overflow = new ArrayList<>();
      int published = 0;
      int suppressed = 0;
      int failed = 0;
      boolean digestSent = false;
      for (Pending a : pending) {
        Sent earlier = sentNotMarked.get(a.id());
        if (earlier != null) {
          markSent(c, a.id(), earlier);
          published += earlier.status().equals("published") ? 1 : 0;
          digestSent |= earlier.status().equals("digested");
        } else if (recentlyPublished(c, a)) {
          mark(c, "suppressed", null, a.id());
          suppressed++;
        } else if (published + failed < config.maxPerBatch()) {
          try {
            Sent sent = new Sent("published", publish(a));
            sentNotMarked.put(a.id(), sent);
            markSent(c, a.id(), sent);
            published++;
          } catch (SnsException e) {
            if (!refusesTheMessage(e)) {
              throw e;
            }
            fail(c, a, e);
            failed++;
          }
        } else {
          overflow.add(a);
        }
      }
      if (!overflow.isEmpty()) {
        Sent digest = new Sent("digested", publishDigest(overflow));
        overflow.forEach(a -> sentNotMarked.put(a.id(), digest));
        for (Pending a : overflow) {
          markSent(c, a.id(), digest);
        }
        digestSent = true;
      }
      LOG.info("{} alerts: {} pending, {} published, {} suppressed by the rate limit, {} in a digest, {} refused by SNS",
          job, pending.size(), published, suppressed, overflow.size(), failed);
      return published + (digestSent ? 1 : 0);
    } // closing the session releases the advisory lock
  }

  private List<Pending> pending(Connection c) throws SQLException {
    List<Pending> pending = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(SQL.sql("pending"))) {
      s.setString(1, job);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          pending.add(new Pending(r.getString("alert_id"), r.getString("entity_id"), r.getString("rule"),
              r.getString("kind"), r.getTimestamp("event_time"), r.getString("event_id"), r.getString("detail")));
        }
      }
    }
    return pending;
  }

  private boolean recentlyPublished(Connection c, Pending a) throws SQLException {
    Duration interval = config.minInterval().value();
    if (interval.isZero()) {
      return false;
    }
    try (PreparedStatement s = c.prepareStatement(SQL.sql("recently_published"))) {
      s.setString(1, a.entity());
      s.setString(2, a.rule());
      s.setString(3, a.kind());
      s.setTimestamp(4, a.time());
      s.setString(5, interval.toMillis() + " milliseconds");
      s.setTimestamp(6, a.time());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  private void markSent(Connection c, String alertId, Sent sent) throws SQLException {
    mark(c, sent.status(), sent.messageId(), alertId);
    sentNotMarked.remove(alertId);
  }

  private static void mark(Connection c, String status, String messageId, String alertId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SQL.sql("mark"))) {
      s.setString(1, status);
      s.setString(2, messageId);
      s.setString(3, alertId);
      s.executeUpdate();
    }
  }

  /** SNS refused this message's content; a topic or permission problem is every message's and fails the batch. */
  private static boolean refusesTheMessage(SnsException e) {
    return e.statusCode() == 400 && e.awsErrorDetails() != null
        && ("InvalidParameter".equals(e.awsErrorDetails().errorCode())
            || "InvalidParameterValue".equals(e.awsErrorDetails().errorCode()));
  }

  private void fail(Connection c, Pending a, SnsException e) throws SQLException {
    String error = e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    LOG.error("{} alert {} ({} {} {}) refused by SNS, marked failed in fleet.alerts: {}", job, a.id(), a.kind(),
        a.rule(), a.entity(), error);
    try (PreparedStatement s = c.prepareStatement(SQL.sql("fail"))) {
      s.setString(1, error);
      s.setString(2, a.id());
      s.executeUpdate();
    }
  }

  /** Printable ASCII under SNS's limit: an entity id may hold anything validation lets through. */
  static String subject(String text) {
    StringBuilder s = new StringBuilder();
    text.codePoints().forEach(c -> s.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return s.length() <= SUBJECT_MAX ? s.toString() : s.substring(0, SUBJECT_MAX - 3) + "...";
  }

  private String publish(Pending a) {
    String body = a.detail() + "\n\nevent time: " + a.time().toInstant() + "\nevent id: " + a.eventId()
        + "\nalert id: " + a.id();
    return client().publish(p -> p.topicArn(config.topicArn().orElseThrow())
        .subject(subject("fleetstream " + job + " alert: " + a.kind() + " " + a.rule() + " " + a.entity()))
        .message(body)
        .messageAttributes(Map.of(
            "kind", attribute(a.kind()), "rule", attribute(a.rule()), "entity_id", attribute(a.entity()))))
        .messageId();
  }

  private String publishDigest(List<Pending> alerts) {
    StringBuilder body = new StringBuilder().append(alerts.size())
        .append(" more alerts in this batch, beyond ALERTS_MAX_PER_BATCH=").append(config.maxPerBatch())
        .append(". All are in fleet.alerts (status 'digested').\n\n");
    alerts.stream().limit(50).forEach(a -> body.append(a.time().toInstant()).append(' ').append(a.detail()).append('\n'));
    return client().publish(p -> p.topicArn(config.topicArn().orElseThrow())
        .subject(subject("fleetstream " + job + ": " + alerts.size() + " more alerts"))
        .message(body.toString())
        .messageAttributes(Map.of("kind", attribute("digest")))).messageId();
  }

  private static MessageAttributeValue attribute(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  /** Standard retries (throttling, 5xx) with back-off; past them the batch fails and is replayed. */
  private SnsClient client() {
    if (sns == null) {
      sns = AwsClients.build(SnsClient.builder(), config.region(), config.snsEndpoint(),
          AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(SNS_ATTEMPTS).build());
    }
    return sns;
  }
}
