package com.fleetstream.jobs.source;

import com.fleetstream.events.FieldSpec;
import com.fleetstream.jobs.config.KinesisSourceConfig;
import com.fleetstream.jobs.contract.InputContract;
import com.fleetstream.jobs.contract.InputContract.RecordKind;
import com.fleetstream.jobs.contract.InputContractFile;
import com.fleetstream.jobs.io.UriText;
import com.fleetstream.kinesis.KinesisReadOptions;
import com.fleetstream.kinesis.KinesisStreamSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A job's Kinesis streams as streaming DataFrames, read by our source (module {@code kinesis-source}),
 * with its columns: {@code data} (binary), {@code streamName}, {@code partitionKey},
 * {@code sequenceNumber}, {@code approximateArrivalTimestamp}; each with the contract its records are
 * read with, its file read and checked now, before any query starts. In a query over several streams
 * each is a source of its own, with its own shard positions in the checkpoint.
 */
public final class KinesisSource {
  private KinesisSource() {}

  /** One stream's records and the contract they are read with. */
  public record StreamRecords(String stream, InputContract contract, Dataset<Row> records) {}

  /** @param fields the product's fields of this kind of record, which a contract may map */
  public static List<StreamRecords> read(SparkSession spark, KinesisSourceConfig config, RecordKind kind,
      List<FieldSpec> fields) {
    return config.streamNames().stream().map(stream -> new StreamRecords(stream,
        config.contract(stream).map(f -> InputContractFile.read(UriText.read(spark, f.argument(), f.uri()), f.uri(),
            f.argument(), kind, FieldSpec.names(fields), FieldSpec.textNames(fields)))
            .orElse(InputContract.builtIn(kind)),
        spark.readStream().format(KinesisStreamSource.SHORT_NAME).options(options(config, stream)).load()))
        .toList();
  }

  /**
   * Every stream's records parsed with its own contract, as one DataFrame.
   *
   * @param parse a stream's records and contract to its rows
   */
  public static Dataset<Row> readParsed(SparkSession spark, KinesisSourceConfig config, RecordKind kind,
      List<FieldSpec> fields, BiFunction<Dataset<Row>, InputContract, Dataset<Row>> parse) {
    return read(spark, config, kind, fields).stream().map(in -> parse.apply(in.records(), in.contract()))
        .reduce(Dataset::unionByName).orElseThrow();
  }

  private static Map<String, String> options(KinesisSourceConfig c, String stream) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put(KinesisReadOptions.STREAM_NAME, stream);
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
