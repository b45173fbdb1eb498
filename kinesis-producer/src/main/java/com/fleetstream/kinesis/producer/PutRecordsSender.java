package com.fleetstream.kinesis.producer;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Sends records with PutRecords in calls within its limits (500 entries, 5 MiB of data and partition
 * keys). A call that Kinesis answers in part (a throttled shard refuses some entries, HTTP 200) is
 * followed, after a back-off with jitter, by one for the refused entries only, in their order, so
 * nothing accepted is sent twice; a call that fails as a whole is sent again when the caller's
 * predicate says so. Back-off and attempts are one Failsafe {@link RetryPolicy}.
 */
public final class PutRecordsSender {
  public static final int MAX_ENTRIES = 500;
  public static final int MAX_CALL_BYTES = 5 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(PutRecordsSender.class);

  private final KinesisClient client;
  /** Its result: the entries still refused, to send again. */
  private final RetryPolicy<List<Integer>> policy;

  /**
   * @param maxAttempts calls an entry may take, the first included
   * @param resendFailedCall whether a call that failed as a whole is sent again ({@link #transientFailure}
   *     for a producer that may wait; never for one whose caller waits on the answer)
   */
  public PutRecordsSender(KinesisClient client, int maxAttempts, Duration firstDelay, Duration maxDelay,
      Predicate<SdkException> resendFailedCall) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    this.client = client;
    this.policy = RetryPolicy.<List<Integer>>builder()
        .handleResultIf(refused -> !refused.isEmpty())
        .handleIf(e -> e instanceof SdkException s && resendFailedCall.test(s))
        .withBackoff(firstDelay, maxDelay)
        .withJitter(0.5)
        .withMaxAttempts(maxAttempts)
        .build();
  }

  /** Throttling, a server error or no answer at all: a later call may succeed. */
  public static boolean transientFailure(SdkException e) {
    return e.retryable() || e instanceof SdkClientException
        || (e instanceof AwsServiceException ase && (ase.isThrottlingException() || ase.statusCode() >= 500));
  }

  /** What an entry counts against a call's 5 MiB. */
  public static int size(PutRecordsRequestEntry entry) {
    return entry.data().asByteArrayUnsafe().length + entry.partitionKey().getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Each entry's last answer, in the entries' order: an accepted entry carries its shard and
   * sequence number, one still refused after the last attempt its error code and message.
   *
   * @throws SdkException a call's failure that is not sent again, or the last one's
   */
  public List<PutRecordsResultEntry> send(String stream, List<PutRecordsRequestEntry> entries) {
    PutRecordsResultEntry[] answers = new PutRecordsResultEntry[entries.size()];
    List<Integer> all = IntStream.range(0, entries.size()).boxed().toList();
    int maxAttempts = policy.getConfig().getMaxAttempts();
    RetryPolicy<List<Integer>> logged = RetryPolicy.builder(policy.getConfig())
        .onRetry(e -> LOG.warn("PutRecords to {}: attempt {} of {} {}; sending again", stream, e.getAttemptCount(),
            maxAttempts, e.getLastException() != null ? "failed (" + e.getLastException().getMessage() + ")"
                : "left " + e.getLastResult().size() + " entries refused"))
        .build();
    AtomicReference<List<Integer>> pending = new AtomicReference<>(all);
    Failsafe.with(logged).get(() -> {
      pending.set(attempt(stream, entries, pending.get(), answers));
      return pending.get();
    });
    return Arrays.asList(answers);
  }

  /** One pass over the pending entries in calls within the limits; returns those refused. */
  private List<Integer> attempt(String stream, List<PutRecordsRequestEntry> entries, List<Integer> pending,
      PutRecordsResultEntry[] answers) {
    List<Integer> refused = new ArrayList<>();
    int from = 0;
    while (from < pending.size()) {
      int to = from;
      long bytes = 0;
      while (to < pending.size() && to - from < MAX_ENTRIES) {
        int size = size(entries.get(pending.get(to)));
        if (to > from && bytes + size > MAX_CALL_BYTES) {
          break;
        }
        bytes += size;
        to++;
      }
      List<Integer> call = pending.subList(from, to);
      PutRecordsResponse response = client.putRecords(b -> b.streamName(stream)
          .records(call.stream().map(entries::get).toList()));
      for (int k = 0; k < call.size(); k++) {
        PutRecordsResultEntry answer = response.records().get(k);
        answers[call.get(k)] = answer;
        if (answer.errorCode() != null) {
          refused.add(call.get(k));
        }
      }
      from = to;
    }
    return refused;
  }
}
