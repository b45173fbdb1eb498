package com.fleetstream.kinesis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * The offset Spark logs for a micro-batch: the batch's number and where it starts reading each shard.
 * Where it stops is only known once its tasks have read, so they record it ({@link BatchEnds}); the
 * next batch starts there, and a replay of this one stops there.
 */
final class ShardOffset extends Offset {
  private static final ObjectMapper JSON = new ObjectMapper();

  final long batch;
  final SortedMap<String, String> starts;

  ShardOffset(long batch, Map<String, String> starts) {
    this.batch = batch;
    this.starts = Collections.unmodifiableSortedMap(new TreeMap<>(starts));
  }

  static ShardOffset of(Offset offset) {
    return offset instanceof ShardOffset s ? s : fromJson(offset.json());
  }

  static ShardOffset fromJson(String json) {
    try {
      Map<String, Object> m = JSON.readValue(json, new TypeReference<>() {});
      @SuppressWarnings("unchecked")
      Map<String, String> starts = (Map<String, String>) m.get("starts");
      return new ShardOffset(((Number) m.get("batch")).longValue(), starts);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("not a Kinesis shard offset (was the checkpoint written by another source?): "
          + json, e);
    }
  }

  @Override
  public String json() {
    try {
      Map<String, Object> m = new LinkedHashMap<>(); // Spark compares offsets by their JSON text
      m.put("batch", batch);
      m.put("starts", starts);
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
