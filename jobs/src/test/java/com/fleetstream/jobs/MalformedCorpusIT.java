package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.runtime.BatchAccounting;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.jobs.transform.KinesisRecords;
import com.fleetstream.jobs.transform.LocationEvents;
import com.fleetstream.jobs.transform.SensorEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Over ten thousand spoiled records: every one is quarantined with the reason it was spoiled for,
 * and through the real stream the job keeps going, keeps the good records and its counts add up.
 */
class MalformedCorpusIT {
  private static final StructType KINESIS = new StructType()
      .add("data", DataTypes.BinaryType)
      .add("streamName", DataTypes.StringType)
      .add("partitionKey", DataTypes.StringType)
      .add("sequenceNumber", DataTypes.StringType)
      .add("approximateArrivalTimestamp", DataTypes.TimestampType);
  private static final Instant ARRIVAL = Instant.parse("2026-05-01T10:00:30Z");
  private static final String STREAM = "corpus-locations";

  @RegisterExtension
  static final StreamServers servers = new StreamServers("corpus_test");

  @TempDir
  static Path work;

  @Test
  void everySpoiledRecordGetsTheReasonItWasSpoiledFor() {
    List<MalformedCorpus.Entry> locations = MalformedCorpus.locations(10_000, 1);
    List<MalformedCorpus.Entry> sensors = MalformedCorpus.sensors(2_000, 2);
    assertThat(reasons(LocationEvents.parse(KinesisRecords.decode(raw(locations)), TestRecords.MAX_EVENT_AGE)))
        .isEqualTo(expected(locations));
    assertThat(reasons(SensorEvents.parse(KinesisRecords.decode(raw(sensors)), TestRecords.MAX_EVENT_AGE))).isEqualTo(expected(sensors));
  }

  @Test
  void theStreamKeepsGoingAndItsCountsAddUp() {
    servers.kinesis().createStream(STREAM, 2);
    List<MalformedCorpus.Entry> corpus = MalformedCorpus.locations(10_000, 3);
    List<byte[]> records = new ArrayList<>();
    Map<String, Long> expectedReasons = new TreeMap<>();
    for (MalformedCorpus.Entry e : corpus) {
      if (e.fitsKinesis()) {
        records.add(e.data());
        expectedReasons.merge(e.reason(), 1L, Long::sum);
      } else {
        assertThatThrownBy(() -> put(List.of(e.data()))).hasMessageContaining("1048576");
      }
    }
    for (int i = 0; i < 1_000; i++) { // good records among the bad, 100 of them sent twice
      byte[] fix = TestRecords.fix("good-" + i, "v-" + (i % 20), Instant.parse("2026-05-01T10:00:00Z")
          .plusSeconds(i).toString(), 52.5, 13.4, 40).getBytes(StandardCharsets.UTF_8);
      records.add(records.size() * 7 % (records.size() + 1), fix);
      if (i % 10 == 0) {
        records.add(fix);
      }
    }
    put(records);

    SparkSession spark = SparkTestSession.get();
    StreamingQueries job = LocationStreamingJob.run(spark,
        LocationJobConfig.parse(TestJobArgs.withoutDelta(TestJobArgs.streaming(servers.kinesis(), STREAM, "10 minutes",
            work, servers.db())).toArray(String[]::new)));

    String out = work.resolve("out/location").toUri().toString();
    Map<String, Long> quarantined = spark.read().parquet(out + "/quarantine").groupBy("reason").count()
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1), Long::sum,
            TreeMap::new));
    assertThat(quarantined).isEqualTo(expectedReasons);
    assertThat(spark.read().parquet(out + "/events").count()).isEqualTo(1_000);
    assertThat(TestPostgres.count(servers.db(), "SELECT count(*) FROM fleet.quarantine")).isEqualTo(records.size() - 1_100);

    // each outcome counted where it happens, and they add up: the events query deduplicates itself,
    // the windows query with Spark's dropDuplicatesWithinWatermark
    long valid = records.size() - 1_100L;
    assertThat(totals(job.query("events"))).containsExactly((long) records.size(), valid, 1_000L, 100L, 0L, 0L);
    assertThat(totals(job.query("windows"))).containsExactly((long) records.size(), valid, 1_000L, 100L, 0L, 0L);
  }

  /** Read, quarantined, kept, duplicates, late and unaccounted over a query's batches. */
  private static List<Long> totals(StreamingQuery query) {
    long[] t = new long[6];
    for (StreamingQueryProgress p : query.recentProgress()) {
      BatchAccounting.Counts c = BatchAccounting.counts(p, Map.of());
      t[0] += c.read();
      t[1] += c.quarantined();
      t[2] += c.kept() == null ? 0 : c.kept();
      t[3] += c.duplicates() == null ? 0 : c.duplicates();
      t[4] += c.late();
      t[5] += c.unaccounted();
    }
    return java.util.Arrays.stream(t).boxed().toList();
  }

  private static Dataset<Row> raw(List<MalformedCorpus.Entry> corpus) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) {
      rows.add(RowFactory.create(corpus.get(i).data(), "corpus", "key", String.format("%06d", i),
          Timestamp.from(ARRIVAL)));
    }
    return SparkTestSession.get().createDataFrame(rows, KINESIS);
  }

  private static Map<String, String> reasons(Dataset<Row> validated) {
    return validated.select("sequence_number", "quarantine_reason").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> String.valueOf(r.getString(1)), (a, b) -> a, TreeMap::new));
  }

  private static Map<String, String> expected(List<MalformedCorpus.Entry> corpus) {
    Map<String, String> reasons = new TreeMap<>();
    for (int i = 0; i < corpus.size(); i++) {
      reasons.put(String.format("%06d", i), corpus.get(i).reason());
    }
    return reasons;
  }

  /** PutRecords in requests under the service's 5 MiB and 500-record limits. */
  private static void put(List<byte[]> records) {
    List<PutRecordsRequestEntry> chunk = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < records.size(); i++) {
      byte[] data = records.get(i);
      if (!chunk.isEmpty() && (chunk.size() == 500 || bytes + data.length > 4_000_000)) {
        send(chunk);
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromByteArray(data)).build());
      bytes += data.length;
    }
    send(chunk);
  }

  private static void send(List<PutRecordsRequestEntry> entries) {
    var response = servers.kinesis().client().putRecords(b -> b.streamName(STREAM).records(entries));
    assertThat(response.failedRecordCount()).isZero();
  }
}
