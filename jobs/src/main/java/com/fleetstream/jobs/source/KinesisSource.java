package com.fleetstream.jobs.source;

import com.fleetstream.jobs.config.KinesisSourceConfig;
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
    return spark.readStream().format("kinesis").options(options(config)).load();
  }

  static Map<String, String> options(KinesisSourceConfig c) {
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
