package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.config.LocationJobConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events older than the deduplication watermark are kept apart, not dropped: the lake's
 * {@code late_events} table holds them once each, PostgreSQL's history takes them, the batch counts
 * add up, and the combine job folds them into the day's summary.
 */
class LateEventsIT {
  private static final String STREAM = "late-locations";
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  @RegisterExtension
  static final StreamServers servers = new StreamServers("late_test");

  @TempDir
  static Path work;

  @Test
  void eventsOlderThanTheWatermarkGoToTheLateTableAndIntoTheCombinedDay() {
    servers.kinesis().createStream(STREAM, 1);
    SparkSession spark = SparkTestSession.get();
    List<String> first = new ArrayList<>();
    for (int i = 0; i <= 20; i++) {
      first.add(fix("fix-" + i, START.plusSeconds(60L * i)));
    }
    put(first);
    assertThat(EventsCounts.of(LocationStreamingJob.run(spark, LocationJobConfig.parse(args()))))
        .isEqualTo(new EventsCounts(21, 0, 0, 21, 0, 0));

    // the watermark now stands at 10:20 - 10 minutes = 10:10
    put(List.of(
        fix("late-1", START.minusSeconds(1800)), fix("late-1", START.minusSeconds(1800)), // late, sent twice
        fix("late-2", START.plusSeconds(300)), // 10:05: late
        fix("fix-19", START.plusSeconds(60L * 19)), // a repeat the deduplication state still knows
        fix("fix-21", START.plusSeconds(60L * 21))));
    assertThat(EventsCounts.of(LocationStreamingJob.run(spark, LocationJobConfig.parse(args()))))
        .isEqualTo(new EventsCounts(5, 0, 0, 1, 2, 2));

    String out = work.resolve("out").toUri().toString();
    List<String> onTime = new ArrayList<>();
    for (int i = 0; i <= 21; i++) {
      onTime.add("fix-" + i);
    }
    assertThat(ids(spark.read().parquet(out + "/location/events"))).containsExactlyInAnyOrderElementsOf(onTime);
    assertThat(ids(spark.read().format("delta").load(out + "/delta/location/events")))
        .containsExactlyInAnyOrderElementsOf(onTime);
    assertThat(ids(spark.read().parquet(out + "/location/late_events"))).containsExactlyInAnyOrder("late-1", "late-2");
    assertThat(ids(spark.read().format("delta").load(out + "/delta/location/late_events")))
        .containsExactlyInAnyOrder("late-1", "late-2");
    List<String> all = new ArrayList<>(onTime);
    all.addAll(List.of("late-1", "late-2"));
    assertThat(TestPostgres.rows(servers.db(), "SELECT event_id FROM fleet.vehicle_position_history").stream()
        .map(r -> (String) r.get(0)).toList()).containsExactlyInAnyOrderElementsOf(all);

    String finalPath = work.resolve("final").toUri().toString();
    assertThat(CombineJob.run(spark, CombineJobConfig.parse("--INPUT_DELTA_PATH", out + "/delta",
        "--FINAL_PATH", finalPath, "--SHUFFLE_PARTITIONS", "2"))).isPresent();
    Row day = spark.read().format("delta").load(finalPath + "/" + CombineJob.VEHICLE_DAILY).collectAsList().get(0);
    assertThat(day.<String>getAs("dt")).isEqualTo("2026-03-01");
    assertThat(day.<Long>getAs("fix_count")).isEqualTo(24);
    assertThat(day.<java.sql.Timestamp>getAs("first_event_time").toInstant()).isEqualTo(START.minusSeconds(1800));
  }

  private static List<String> ids(org.apache.spark.sql.Dataset<Row> rows) {
    return rows.select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  private static String[] args() {
    List<String> args = TestJobArgs.streaming(servers.kinesis(), STREAM, "10 minutes", work, servers.db());
    return args.toArray(String[]::new);
  }

  private static String fix(String id, Instant time) {
    return TestRecords.fix(id, "v-late", time.toString(), 52.0 + Arrays.hashCode(id.getBytes()) % 100 / 1e4, 13.4, 30);
  }

  private static void put(List<String> payloads) {
    TestRecords.put(servers.kinesis(), STREAM, "v-late", payloads);
  }
}
