package com.fleetstream.jobs.source;

import com.fleetstream.jobs.config.KinesisSourceConfig;
import com.fleetstream.kinesis.KinesisReadOptions;
import com.fleetstream.kinesis.KinesisStreamSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Kinesis stream as a streaming DataFrame, read by our source (module {@code kinesis-source}), with
 * its columns: {@code data} (binary), {@code streamName}, {@code partitionKey}, {@code sequenceNumber},
 * {@code approximateArrivalTimestamp}.
 */
public final class KinesisSource {
  private KinesisSource() {}

  public static Dataset<Row> read(SparkSession spark, KinesisSourceConfig config) {
    return spark.readStream().format(KinesisStreamSource.SHORT_NAME).options(options(config)).load();
  }

  private static Map<String, String> options(KinesisSourceConfig c) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put(KinesisReadOptions.STREAM_NAME, c.streamName());
    o.put(KinesisReadOptions.REGION, c.region());
    o.put(KinesisReadOptions.ENDPOINT, c.endpointUrl());
    o.put(KinesisReadOptions.STARTING_POSITION, c.startingPosition().name());
    o.put(KinesisReadOptions.MAX_RECORDS_PER_READ, Integer.toString(c.maxRecordsPerRead()));
    o.put(KinesisReadOptions.MAX_RECORDS_PER_SHARD, Integer.toString(c.maxRecordsPerShard()));
    o.put(KinesisReadOptions.MAX_FETCH_MILLIS, Long.toString(c.maxFetchTime().value().toMillis()));
    o.put(KinesisReadOptions.FAIL_ON_DATA_LOSS, Boolean.toString(c.failOnDataLoss()));
    c.accessKeyId().ifPresent(k -> o.put(KinesisReadOptions.ACCESS_KEY_ID, k));
    c.secretKey().ifPresent(k -> o.put(KinesisReadOptions.SECRET_KEY, k));
    return o;
  }
}
