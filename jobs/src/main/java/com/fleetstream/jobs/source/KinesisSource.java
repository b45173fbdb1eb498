package com.fleetstream.jobs.source;

import com.fleetstream.jobs.config.KinesisSourceConfig;
import com.fleetstream.jobs.source.kinesis.KinesisReadOptions;
import com.fleetstream.jobs.source.kinesis.KinesisStreamSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Kinesis stream as a streaming DataFrame with the connector's columns: {@code data} (binary),
 * {@code streamName}, {@code partitionKey}, {@code sequenceNumber}, {@code approximateArrivalTimestamp}.
 */
public final class KinesisSource {
  private KinesisSource() {}

  public static Dataset<Row> read(SparkSession spark, KinesisSourceConfig config) {
    return config.connector() == KinesisSourceConfig.Connector.FLEETSTREAM
        ? spark.readStream().format(KinesisStreamSource.class.getName()).options(exactReplayOptions(config)).load()
        : spark.readStream().format("kinesis").options(connectorOptions(config)).load();
  }

  private static Map<String, String> exactReplayOptions(KinesisSourceConfig c) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put(KinesisReadOptions.STREAM_NAME, c.streamName());
    o.put(KinesisReadOptions.REGION, c.region());
    o.put(KinesisReadOptions.ENDPOINT, c.endpointUrl());
    o.put(KinesisReadOptions.STARTING_POSITION, c.startingPosition().name());
    o.put(KinesisReadOptions.MAX_RECORDS_PER_READ, Integer.toString(c.maxRecordsPerRead()));
    o.put(KinesisReadOptions.MAX_RECORDS_PER_SHARD, Integer.toString(c.maxRecordsPerShard()));
    o.put(KinesisReadOptions.MAX_FETCH_MILLIS, Long.toString(c.maxFetchTime().value().toMillis()));
    c.accessKeyId().ifPresent(k -> o.put(KinesisReadOptions.ACCESS_KEY_ID, k));
    c.secretKey().ifPresent(k -> o.put(KinesisReadOptions.SECRET_KEY, k));
    return o;
  }

  private static Map<String, String> connectorOptions(KinesisSourceConfig c) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("streamName", c.streamName());
    o.put("endpointUrl", c.endpointUrl());
    boolean glue = c.connector() == KinesisSourceConfig.Connector.GLUE;
    o.put(glue ? "startingPosition" : "startingposition", c.startingPosition().name());
    String prefix = glue ? "" : "kinesis.executor.";
    o.put(prefix + "maxRecordPerRead", Integer.toString(c.maxRecordsPerRead()));
    // Without this the source runs an empty micro-batch on every trigger.
    o.put(glue ? "avoidEmptyBatches" : "kinesis.client.avoidEmptyBatches", "true");
    c.accessKeyId().ifPresent(k -> o.put("awsAccessKeyId", k));
    c.secretKey().ifPresent(k -> o.put("awsSecretKey", k));
    return o;
  }
}
