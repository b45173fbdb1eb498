package com.fleetstream.simulator;

import com.fleetstream.kinesis.producer.PutRecordsSender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Buffers records for one stream and sends them with PutRecords as a call's worth fills
 * ({@link PutRecordsSender}: refused entries alone, in order, with back-off; failed calls again while
 * the failure is transient), so nothing is lost and nothing accepted is sent twice.
 */
public final class KinesisBatchWriter implements AutoCloseable {
  private static final int ATTEMPTS = 10;

  private final PutRecordsSender sender;
  private final String streamName;
  private final List<PutRecordsRequestEntry> buffer = new ArrayList<>();
  private int bufferedBytes;

  public KinesisBatchWriter(KinesisClient client, String streamName) {
    this.sender = new PutRecordsSender(client, ATTEMPTS, Duration.ofMillis(100), Duration.ofSeconds(10),
        PutRecordsSender::transientFailure);
    this.streamName = streamName;
  }

  public void add(String partitionKey, byte[] data) {
    PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder()
        .partitionKey(partitionKey)
        .data(SdkBytes.fromByteArray(data))
        .build();
    int size = PutRecordsSender.size(entry);
    if (buffer.size() == PutRecordsSender.MAX_ENTRIES || bufferedBytes + size > PutRecordsSender.MAX_CALL_BYTES) {
      flush();
    }
    buffer.add(entry);
    bufferedBytes += size;
  }

  public void flush() {
    if (buffer.isEmpty()) {
      return;
    }
    List<PutRecordsRequestEntry> pending = List.copyOf(buffer);
    buffer.clear();
    bufferedBytes = 0;
    List<PutRecordsResultEntry> answers;
    try {
      answers = sender.send(streamName, pending);
    } catch (SdkException e) {
      throw new IllegalStateException("PutRecords to " + streamName + " failed", e);
    }
    List<PutRecordsResultEntry> refused = answers.stream().filter(a -> a.errorCode() != null).toList();
    if (!refused.isEmpty()) {
      throw new IllegalStateException(refused.size() + " records to " + streamName + " still refused after "
          + ATTEMPTS + " attempts: " + refused.get(0).errorCode() + " " + refused.get(0).errorMessage());
    }
  }

  @Override
  public void close() {
    flush();
  }
}
