package com.fleetstream.kinesis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * The stream a checkpoint's positions belong to. Shard ids and sequence numbers of one stream mean
 * nothing in another, nor in a stream deleted and created again under the same name (same ARN, a
 * later creation time): read there, a checkpoint skips records or asks for shards that do not exist.
 *
 * @param retention how long the stream keeps records; not part of the identity (it can be changed)
 */
record StreamIdentity(String name, String arn, Instant created, Duration retention) {
  static final String FILE = "stream";
  private static final ObjectMapper JSON = new ObjectMapper();

  static StreamIdentity describe(KinesisClient client, String stream) {
    StreamDescriptionSummary s = client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary();
    return new StreamIdentity(s.streamName(), s.streamARN(), s.streamCreationTimestamp(),
        Duration.ofHours(s.retentionPeriodHours()));
  }

  /**
   * Records this stream in a checkpoint that has none (a new one, or one written before the source
   * recorded its stream) and refuses a checkpoint of another stream.
   */
  void claim(CheckpointFiles checkpoint) {
    var recorded = checkpoint.read(FILE).map(StreamIdentity::fromJson);
    if (recorded.isEmpty()) {
      checkpoint.write(FILE, toJson());
      return;
    }
    StreamIdentity r = recorded.get();
    if (!r.arn.equals(arn)) {
      throw new IllegalStateException("checkpoint " + checkpoint.root() + " holds positions in Kinesis stream "
          + r.arn + ", not in " + arn + ", which the query was started on. To read " + name
          + ", give the job a CHECKPOINT_PATH of its own (the default names the stream); to go on reading "
          + r.name + ", start it with STREAM_NAME " + r.name);
    }
    if (!r.created.equals(created)) {
      throw new IllegalStateException("Kinesis stream " + arn + " was created at " + created + ", but checkpoint "
          + checkpoint.root() + " holds positions in the stream of that name created at " + r.created
          + ", which was deleted with its records. To read the new stream from its start, give the query"
          + " a new CHECKPOINT_PATH (or move the old checkpoint aside)");
    }
  }

  private String toJson() {
    try {
      return JSON.writeValueAsString(new Stored(name, arn, created.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StreamIdentity fromJson(String json) {
    try {
      Stored s = JSON.readValue(json, Stored.class);
      return new StreamIdentity(s.name(), s.arn(), Instant.parse(s.created()), null);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("unreadable stream record in the checkpoint: " + json, e);
    }
  }

  private record Stored(String name, String arn, String created) {}
}
