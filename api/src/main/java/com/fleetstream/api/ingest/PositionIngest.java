package com.fleetstream.api.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fleetstream.api.http.ApiError;
import com.fleetstream.events.LocationFields;
import com.fleetstream.events.RecordCheck;
import com.fleetstream.kinesis.producer.PutRecordsSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * {@code POST /positions}: one fix (a JSON object) or a batch (an array), each checked as the
 * location job would check it ({@link RecordCheck}); the valid ones go to the location stream in
 * PutRecords calls, partition key the vehicle id, so one vehicle's fixes stay in order on one shard.
 * Entries Kinesis refuses (throttled, internal failure) are sent again with back-off; the answer
 * says, per record, accepted (with its sequence number), rejected (with the job's reason) or failed.
 * A fix is sent only as a vehicle the principal may send as ({@code not_permitted} otherwise), and at
 * most {@link #MAX_CLOCK_AHEAD} ahead of its arrival: the API's senders are online, and a fix stamped
 * an hour ahead would pin a vehicle's latest position for that hour.
 */
public final class PositionIngest {
  /** A request holds at most one PutRecords call's entries. */
  static final int MAX_ENTRIES = PutRecordsSender.MAX_ENTRIES;
  static final Duration MAX_CLOCK_AHEAD = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(PositionIngest.class);
  private final PutRecordsSender sender;
  private final String stream;
  private final Duration maxEventAge;
  private final Clock clock;

  public PositionIngest(KinesisClient kinesis, String stream, Duration maxEventAge, Clock clock) {
    // the caller waits: entries a shard refused get four more tries within about 1.5 s, and a call
    // that failed as a whole is answered 503 at once for the caller to send again
    this.sender = new PutRecordsSender(kinesis, 5, Duration.ofMillis(100), Duration.ofSeconds(1), e -> false);
    this.stream = stream;
    this.maxEventAge = maxEventAge;
    this.clock = clock;
  }

  /** What became of a request's fixes: how many Kinesis took, and how many it would not take. */
  public record Outcome(ObjectNode body, int accepted, int failed) {}

  /** Which of the vehicle ids the request's principal may send fixes as, at an instant. */
  @FunctionalInterface
  public interface Permission {
    Set<String> sendable(Collection<String> vehicleIds, Instant at) throws SQLException;
  }

  public Outcome ingest(byte[] body, Permission permission) throws SQLException {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiError.badParameter("body", "is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (parsed == null || !(parsed.isObject() || parsed.isArray())) {
      throw ApiError.badParameter("body", "must be a fix (a JSON object) or an array of fixes");
    }
    List<JsonNode> fixes = new ArrayList<>();
    parsed.forEach(fixes::add);
    if (parsed.isObject()) {
      fixes = List.of(parsed);
    }
    if (fixes.isEmpty() || fixes.size() > MAX_ENTRIES) {
      throw ApiError.badParameter("body", "must hold 1 to " + MAX_ENTRIES + " fixes, got " + fixes.size());
    }
    Instant arrival = clock.instant();
    ObjectNode[] results = new ObjectNode[fixes.size()];
    String[] vehicles = new String[fixes.size()];
    for (int i = 0; i < fixes.size(); i++) {
      RecordCheck.Checked checked = RecordCheck.check(payload(fixes.get(i)), LocationFields.FIELDS,
          LocationFields.BUILT_IN_ALIASES, arrival, maxEventAge, MAX_CLOCK_AHEAD);
      results[i] = JSON.createObjectNode().put("index", i);
      if (checked.valid()) {
        vehicles[i] = RecordCheck.value(checked.record(), "vehicle_id", LocationFields.BUILT_IN_ALIASES).asText();
      } else {
        results[i].put("status", "rejected").put("reason", checked.reason());
      }
    }
    Set<String> sendable = permission.sendable(Arrays.stream(vehicles).filter(Objects::nonNull)
        .collect(Collectors.toSet()), arrival);
    List<Integer> pending = new ArrayList<>();
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < fixes.size(); i++) {
      if (vehicles[i] == null) {
        continue;
      }
      if (!sendable.contains(vehicles[i])) {
        results[i].put("status", "rejected").put("reason", "not_permitted");
        continue;
      }
      pending.add(i);
      entries.add(PutRecordsRequestEntry.builder().partitionKey(vehicles[i])
          .data(SdkBytes.fromByteArray(payload(fixes.get(i)))).build());
    }
    put(pending, entries, results);
    ArrayNode list = JSON.createArrayNode();
    int accepted = 0;
    int failed = 0;
    for (ObjectNode r : results) {
      list.add(r);
      accepted += "accepted".equals(r.get("status").asText()) ? 1 : 0;
      failed += "failed".equals(r.get("status").asText()) ? 1 : 0;
    }
    ObjectNode answer = JSON.createObjectNode().put("accepted", accepted)
        .put("rejected", results.length - accepted - failed).put("failed", failed);
    answer.set("results", list);
    return new Outcome(answer, accepted, failed);
  }

  private static byte[] payload(JsonNode fix) {
    return fix.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Sends the entries; each fix's result says what Kinesis answered it last. */
  private void put(List<Integer> indexes, List<PutRecordsRequestEntry> entries, ObjectNode[] results) {
    List<PutRecordsResultEntry> answers;
    try {
      answers = sender.send(stream, entries);
    } catch (SdkException e) {
      // Kinesis's message names the account, stream and shard: the log keeps it, the caller gets the code
      LOG.error("PutRecords to {} failed", stream, e);
      throw new ApiError(503, "kinesis_unavailable", "the location stream took no fixes; the API's log has the cause",
          null);
    }
    for (int k = 0; k < answers.size(); k++) {
      PutRecordsResultEntry r = answers.get(k);
      ObjectNode result = results[indexes.get(k)];
      if (r.errorCode() == null) {
        result.put("status", "accepted").put("shard_id", r.shardId()).put("sequence_number", r.sequenceNumber());
      } else {
        result.put("status", "failed").put("error", r.errorCode()).put("message", r.errorMessage());
      }
    }
  }
}
