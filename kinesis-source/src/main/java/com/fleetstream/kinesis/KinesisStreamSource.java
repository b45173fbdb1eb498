package com.fleetstream.kinesis;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Kinesis stream as a micro-batch source whose batches replay exactly: each batch's tasks record
 * where they stopped in each shard, so a batch re-run after a crash reads the same records, not
 * whatever has arrived since. (A source that ends a batch where reading stops would read a replayed
 * batch up to "now", and sinks that had committed the first run of the batch would never see the
 * extra records.)
 *
 * <p>Use with {@code spark.readStream().format("fleetstream-kinesis")} (or the class name); the options
 * are {@link KinesisReadOptions}'s. The columns: {@code data}, {@code streamName}, {@code partitionKey},
 * {@code sequenceNumber}, {@code approximateArrivalTimestamp}. Each progress report's source entry,
 * described as {@link #description}, carries {@link ShardMicroBatchStream#metrics its metrics}: shard
 * lag ({@link #MAX_MILLIS_BEHIND}, {@link #MILLIS_BEHIND}) and expired gaps ({@link #EXPIRED_GAPS}).
 */
public final class KinesisStreamSource implements TableProvider, DataSourceRegister {
  /** Not "kinesis": Glue registers its own source under that name. */
  public static final String SHORT_NAME = "fleetstream-kinesis";
  /** Progress metric: how far behind its stream's tip the query reads, the most of any shard (ms). */
  public static final String MAX_MILLIS_BEHIND = "maxMillisBehindLatest";
  /** Progress metric: the same per shard, a JSON object of shard id to milliseconds. */
  public static final String MILLIS_BEHIND = "millisBehindLatest";
  /** Progress metric: gaps of expired records the query read past. */
  public static final String EXPIRED_GAPS = "expiredGaps";
  private static final Pattern DESCRIPTION = Pattern.compile("KinesisStreamSource\\[(.+)]");

  static final StructType SCHEMA = new StructType()
      .add("data", DataTypes.BinaryType, false)
      .add("streamName", DataTypes.StringType, false)
      .add("partitionKey", DataTypes.StringType, false)
      .add("sequenceNumber", DataTypes.StringType, false)
      .add("approximateArrivalTimestamp", DataTypes.TimestampType, false);

  /** What a query's progress reports call the source reading {@code stream}. */
  public static String description(String stream) {
    return "KinesisStreamSource[" + stream + "]";
  }

  /** The stream a progress report's source entry reads, when the source is this one. */
  public static Optional<String> streamOf(String description) {
    Matcher m = DESCRIPTION.matcher(description);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return SCHEMA;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    KinesisReadOptions options = KinesisReadOptions.from(properties);
    return new StreamTable(options);
  }

  private record StreamTable(KinesisReadOptions options) implements Table, SupportsRead {
    @Override
    public String name() {
      return "kinesis:" + options.streamName();
    }

    @Override
    public StructType schema() {
      return SCHEMA;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.MICRO_BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
      return () -> new Scan() {
        @Override
        public StructType readSchema() {
          return SCHEMA;
        }

        @Override
        public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
          return new ShardMicroBatchStream(options, checkpointLocation,
              SparkSession.active().sessionState().newHadoopConf());
        }
      };
    }
  }
}
