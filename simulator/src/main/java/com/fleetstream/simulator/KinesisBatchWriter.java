package com.fleetstream.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Buffers records for one stream and sends them with PutRecords (at most 500 records and 5 MiB a
 * call). A partly failed call is retried with exponential back-off and jitter for the failed
 * entries only, in their original order, so nothing is lost and nothing that succeeded is re-sent.
 */
public final class KinesisBatchWriter implements AutoCloseable {
  static final int MAX_RECORDS = 500;
  static final int MAX_BYTES = 5 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(KinesisBatchWriter.class);

  private final KinesisClient client;
  private final String streamName;
  private final int maxAttempts;
  private final long baseBackoffMillis;
  private final List<PutRecordsRequestEntry> buffer = new ArrayList<>();
  private int bufferedBytes;

  public KinesisBatchWriter(KinesisClient client, String streamName) {
    this(client, streamName, 10, 100);
  }

  KinesisBatchWriter(KinesisClient client, String streamName, int maxAttempts, long baseBackoffMillis) {
    this.client = client;
    this.streamName = streamName;
    this.maxAttempts = maxAttempts;
    this.baseBackoffMillis = baseBackoffMillis;
  }

  public void add(String partitionKey, byte[] data) {
    int size = data.length + partitionKey.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (buffer.size() == MAX_RECORDS || bufferedBytes + size > MAX_BYTES) {
      flush();
    }
    buffer.add(PutRecordsRequestEntry.builder()
        .partitionKey(partitionKey)
        .data(SdkBytes.fromByteArray(data))
        .build());
    bufferedBytes += size;
  }

  public void flush() {
    List<PutRecordsRequestEntry> pending = new ArrayList<>(buffer);
    buffer.clear();
    bufferedBytes = 0;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      List<PutRecordsRequestEntry> batch = pending;
      PutRecordsResponse response;
      try {
        response = client.putRecords(b -> b.streamName(streamName).records(batch));
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        if (attempt >= maxAttempts || !isRetryable(e)) {
          throw new IllegalStateException("PutRecords to " + streamName + " failed after " + attempt + " attempts", e);
        }
        LOG.warn("PutRecords to {} failed (attempt {}): {}; retrying", streamName, attempt, e.getMessage());
        backoff(attempt);
        continue;
      }
      List<PutRecordsRequestEntry> failed = new ArrayList<>();
      List<PutRecordsResultEntry> results = response.records();
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i).errorCode() != null) {
          failed.add(batch.get(i));
        }
      }
      if (!failed.isEmpty()) {
        if (attempt >= maxAttempts) {
          throw new IllegalStateException(failed.size() + " records to " + streamName + " still failing after "
              + attempt + " attempts: " + results.stream().filter(r -> r.errorCode() != null).findFirst()
              .map(r -> r.errorCode() + " " + r.errorMessage()).orElse(""));
        }
        backoff(attempt);
      }
      pending = failed;
    }
  }

  private static boolean isRetryable(software.amazon.awssdk.core.exception.SdkException e) {
    return e.retryable() || e instanceof software.amazon.awssdk.core.exception.SdkClientException
        || (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException ase
            && (ase.isThrottlingException() || ase.statusCode() >= 500));
  }

  private void backoff(int attempt) {
    long cap = Math.min(10_000, baseBackoffMillis << Math.min(attempt - 1, 16));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while backing off", e);
    }
  }

  @Override
  public void close() {
    flush();
  }
}
