package com.fleetstream.jobs.sink;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Delta table written once per batch: appended to, or, for aggregates, merged on their key. Every
 * commit's {@code userMetadata} names its query and batch, which is how a batch replayed after a
 * restart is found to be committed already ({@link #write}).
 *
 * <p>The change data feed is on for the combine job, which reads which days changed from it.
 *
 * <p>The app id holds the streaming query id: a new checkpoint counts batches from 0 again under a
 * new query id, and must not be mistaken for a replay. Delta on S3 allows one writer per table; each
 * table here has exactly one query writing it.
 */
public final class DeltaBatchSink implements BatchSink {
  /**
   * MERGE takes its commit's metadata (the batch's marker) from the query's session settings, so a
   * query's merges share this lane and go one at a time.
   */
  public static final String MERGE_LANE = "delta-merge";

  private static final Logger LOG = LoggerFactory.getLogger(DeltaBatchSink.class);
  /**
   * Streaming batches are small; these keep file counts in check for Athena and the crawlers. An
   * append-only table is compacted outside the batches ({@link Housekeeping}); a merged one, whose
   * MERGE would conflict with that, compacts itself.
   */
  private static final Map<String, String> APPEND_TABLE_PROPERTIES = Map.of(
      "delta.autoOptimize.optimizeWrite", "true",
      "delta.enableChangeDataFeed", "true");
  private static final Map<String, String> MERGE_TABLE_PROPERTIES = Map.of(
      "delta.autoOptimize.optimizeWrite", "true",
      "delta.autoOptimize.autoCompact", "true",
      "delta.enableChangeDataFeed", "true");
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
  /**
   * Commits searched for a replayed batch's own: it is the last batch the query wrote, so its commit
   * is among the table's last, after at most the compactions that ran beside it.
   */
  private static final int RECENT_COMMITS = 20;

  private final String path;
  private final String[] partitionColumns;
  private final List<String> mergeKeys;
  private final boolean insertOnly;
  private final String lane;
  private boolean tableReady;
  /** The last batch this table holds per app id, once this process has written one. */
  private final Map<String, Long> lastBatch = new HashMap<>();

  /** @param mergeKeys empty to append; otherwise the key rows are upserted on */
  public DeltaBatchSink(String path, List<String> mergeKeys, String... partitionColumns) {
    this(path, mergeKeys, false, null, partitionColumns);
  }

  /**
   * @param insertOnly rows never change once written: a key already in the table is skipped instead of
   *     updated, so every commit only adds files and the table can be read as a stream
   * @param lane the lane to write in, null for the usual one: an append its own (it passes the
   *     commit's metadata as a write option, which wins over the session's), a merge {@link #MERGE_LANE}
   */
  public DeltaBatchSink(String path, List<String> mergeKeys, boolean insertOnly, String lane,
      String... partitionColumns) {
    // Delta compares locations as text: file:///x and file:/x would be two tables
    this.path = new Path(path).toString();
    this.mergeKeys = mergeKeys;
    this.insertOnly = insertOnly;
    this.lane = lane != null ? lane : mergeKeys.isEmpty() ? name() : MERGE_LANE;
    this.partitionColumns = partitionColumns;
  }

  public String path() {
    return path;
  }

  /** Whether batches are appended (no merge keys), not merged. */
  public boolean appends() {
    return mergeKeys.isEmpty();
  }

  /**
   * Creates the table, empty, with the properties its first batch would give it, unless it exists: a
   * query that reads it as a stream needs it before the query writing it has written anything.
   */
  public void createIfAbsent(SparkSession spark, StructType schema) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      create(spark, schema);
    }
  }

  @Override
  public String name() {
    return "delta:" + new Path(path).getName();
  }

  @Override
  public String lane() {
    return lane;
  }

  /**
   * Each commit carries its batch's marker (query and batch id) as its user metadata. Within a run
   * this sink knows the last batch it committed; at its first batch after a start (or after a write
   * that failed, which may have committed), the batch may be a replay of one committed before, so it
   * looks for the marker among the table's last commits first. Delta's own idempotent writes
   * ({@code txnAppId}) would do the same, but make every commit rebuild the table's transaction state
   * in a Spark job of its own (delta-io/delta#7670).
   */
  @Override
  public long write(Dataset<Row> input, long count, BatchId id) {
    if (count == 0) {
      return 0; // before looking at the table: most batches have no late events and no quarantine
    }
    SparkSession spark = input.sparkSession();
    String appId = "fleetstream-" + id.queryId();
    String marker = appId + " batch " + id.batch();
    Long last = lastBatch.remove(appId); // unknown again until this batch commits
    boolean exists = tableReady || DeltaTable.isDeltaTable(spark, path);
    if (last != null && last >= id.batch() || last == null && exists && committed(spark, marker)) {
      LOG.info("{}: batch {} already committed, skipped", path, id);
      lastBatch.put(appId, last == null ? id.batch() : last);
      return 0;
    }
    Dataset<Row> batch = mergeKeys.isEmpty() ? input : input.dropDuplicates(mergeKeys.toArray(String[]::new));
    // a merge writes each key once: its rows are counted after the deduplication
    long rows = mergeKeys.isEmpty() ? count : batch.count();
    if (!exists) {
      create(spark, batch.schema());
      append(batch, marker);
    } else if (mergeKeys.isEmpty()) {
      append(batch, marker);
    } else {
      merge(spark, batch, marker);
    }
    tableReady = true;
    lastBatch.put(appId, id.batch());
    return rows;
  }

  private void append(Dataset<Row> batch, String marker) {
    batch.write().format("delta").mode("append").partitionBy(partitionColumns)
        // columns a newer release adds to its rows (an event's contract) join the table's schema
        .option("mergeSchema", "true")
        .option("userMetadata", marker)
        .save(path);
  }

  /**
   * The table with its properties, in a commit of its own before the first batch's: a job killed
   * between the two leaves an empty table with the right properties, which the replayed batch fills.
   * Every column may hold null, as in a table a first append makes.
   */
  private void create(SparkSession spark, StructType schema) {
    DeltaTableBuilder table = DeltaTable.createIfNotExists(spark).location(path)
        .addColumns((StructType) nullable(schema)).partitionedBy(partitionColumns);
    for (Map.Entry<String, String> p : (mergeKeys.isEmpty() ? APPEND_TABLE_PROPERTIES : MERGE_TABLE_PROPERTIES)
        .entrySet()) {
      table = table.property(p.getKey(), p.getValue());
    }
    table.execute();
  }

  private static DataType nullable(DataType type) {
    if (type instanceof StructType struct) {
      return new StructType(Arrays.stream(struct.fields())
          .map(f -> new StructField(f.name(), nullable(f.dataType()), true, f.metadata())).toArray(StructField[]::new));
    }
    if (type instanceof ArrayType array) {
      return new ArrayType(nullable(array.elementType()), true);
    }
    if (type instanceof MapType map) {
      return new MapType(nullable(map.keyType()), nullable(map.valueType()), true);
    }
    return type;
  }

  private void merge(SparkSession spark, Dataset<Row> batch, String marker) {
    String on = mergeKeys.stream().map(k -> "t.`" + k + "` = s.`" + k + "`").collect(Collectors.joining(" AND "));
    spark.conf().set(USER_METADATA, marker);
    try {
      var merge = DeltaTable.forPath(spark, path).as("t")
          .merge(batch.as("s"), on)
          // columns a newer release adds to its rows (an event's contract) join the table's schema
          .withSchemaEvolution();
      (insertOnly ? merge : merge.whenMatched().updateAll()).whenNotMatched().insertAll().execute();
    } finally {
      spark.conf().unset(USER_METADATA);
    }
  }

  private boolean committed(SparkSession spark, String marker) {
    return !DeltaTable.forPath(spark, path).history(RECENT_COMMITS).filter(col("userMetadata").equalTo(marker))
        .isEmpty();
  }
}
