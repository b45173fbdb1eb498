package com.fleetstream.jobs;

import static com.fleetstream.jobs.runtime.BatchAccounting.countKept;
import static com.fleetstream.jobs.runtime.BatchAccounting.countValidated;

import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.runtime.JobMain;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.sink.DeltaCompactionSchedule;
import com.fleetstream.jobs.sink.JobSinks;
import com.fleetstream.jobs.source.KinesisSource;
import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventValidation;
import com.fleetstream.jobs.transform.KinesisRecords;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.jobs.transform.SensorEvents;
import com.fleetstream.jobs.transform.SensorWindowStats;
import com.fleetstream.jobs.transform.ThresholdAlerts;
import com.fleetstream.jobs.transform.ThresholdBreaches;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Glue streaming job: sensor readings from Kinesis to quarantine and deduplicated readings flagged
 * against thresholds (breaches kept apart, late readings too) in one query, per-sensor window
 * statistics in another, and alerts when a sensor stays beyond a threshold in a third.
 */
public final class SensorStreamingJob {
  public static final String NAME = "sensor";

  private SensorStreamingJob() {}

  public static void main(String[] args) {
    JobMain.run(NAME, () -> SensorJobConfig.parse(args), config ->
        run(SparkSessions.forJob("fleetstream-sensor"), config));
  }

  public static StreamingQueries run(SparkSession spark, SensorJobConfig config) {
    return run(spark, config, UnaryOperator.identity());
  }

  public static StreamingQueries run(SparkSession spark, SensorJobConfig config, UnaryOperator<BatchSink> decorateSinks) {
    StreamingConfig s = config.streaming();
    SparkSessions.configure(spark, s);
    JobSinks sinks = JobSinks.open(NAME, s);

    Dataset<Row> readings = countValidated(
        SensorEvents.parse(KinesisRecords.decode(KinesisSource.read(spark, s.source())), s.maxEventAge().value()));
    Dataset<Row> checked = ThresholdBreaches.flag(
        Deduplication.withoutRepeats(countKept(Deduplication.keepingLate(readings, s.dedupWatermark()))),
        config.thresholds());
    Dataset<Row> windows = Partitioning.byHourOf(SensorWindowStats.aggregate(ThresholdBreaches.flag(
        countKept(Deduplication.withinWatermark(EventValidation.valid(readings), s.windowWatermark())),
        config.thresholds()), s.windowDuration()), "window_start");
    Dataset<Row> alerts = Partitioning.byHourOf(ThresholdAlerts.detect(
        ThresholdBreaches.flag(EventValidation.valid(readings), config.thresholds()), config.thresholds(),
        config.alertConsecutiveReadings(), s.alerts().stateTimeout().value()), "event_time");

    StreamingQueries queries = new StreamingQueries(spark, s, NAME, decorateSinks);
    queries.start("events", checked, concat(
            sinks.events("events", ThresholdBreaches::breaches),
        sinks.parquetOnly("breaches", rows -> ThresholdBreaches.breaches(JobSinks.stored(Deduplication.onTime(rows))))),
            Deduplication.QUERY_CONF);
    queries.start("windows", windows,
        sinks.upsert("windows", "window_stats", List.of("sensor_id", "metric", "window_start")),
        Map.of(), s.windowsTriggerInterval());
    queries.startRestarting("alerts", alerts, sinks.alerts(), ThresholdAlerts.QUERY_CONF);
    try (var compaction = DeltaCompactionSchedule.start(spark, NAME, sinks.appendOnlyDeltaTables(),
        s.sinks().compactionInterval().value())) {
      queries.awaitAll();
    }
    return queries;
  }

  private static List<BatchSink> concat(List<BatchSink> a, List<BatchSink> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
