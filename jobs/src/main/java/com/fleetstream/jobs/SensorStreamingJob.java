package com.fleetstream.jobs;

import static com.fleetstream.jobs.runtime.BatchAccounting.observeDeduplication;
import static com.fleetstream.jobs.runtime.BatchAccounting.observeStored;
import static com.fleetstream.jobs.runtime.BatchAccounting.observeValidation;
import static com.fleetstream.jobs.sink.JobSinks.ALERTS;
import static com.fleetstream.jobs.sink.JobSinks.QUARANTINE;

import com.fleetstream.jobs.config.SensorJobConfig;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.contract.InputContract.RecordKind;
import com.fleetstream.jobs.runtime.JobMain;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.sink.Housekeeping;
import com.fleetstream.jobs.sink.JobSinks;
import com.fleetstream.jobs.sink.Sinks;
import com.fleetstream.jobs.source.KinesisSource;
import com.fleetstream.jobs.source.StoredEvents;
import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventOutcomes;
import com.fleetstream.jobs.transform.EventValidation;
import com.fleetstream.jobs.transform.KinesisRecords;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.jobs.transform.SensorEvents;
import com.fleetstream.jobs.transform.SensorWindows;
import com.fleetstream.jobs.transform.ThresholdAlerts;
import com.fleetstream.jobs.transform.ThresholdBreaches;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Glue streaming job: sensor readings from Kinesis to quarantine and deduplicated readings flagged
 * against thresholds (breaches kept apart, late readings too) in one query, per-sensor window
 * statistics in another, and alerts when a sensor stays beyond a threshold in a third. Only the first
 * reads Kinesis when Delta is a sink: the others read the readings it stored there.
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
    JobSinks sinks = JobSinks.open(spark, NAME, s);

    // source: every stream parsed and validated, each with its contract
    Dataset<Row> readings = observeValidation(KinesisSource.readParsed(spark, s.source(), RecordKind.SENSOR,
        SensorEvents.FIELDS, (records, contract) -> SensorEvents.parse(KinesisRecords.decode(records), contract,
            s.maxEventAge().value())));
    // events: every record once, quarantined, on time or late, flagged against the thresholds
    Dataset<Row> events = ThresholdBreaches.flag(Deduplication.withoutRepeats(
        observeDeduplication(Deduplication.keepingLate(readings, s.dedupWatermark(), s.dedupState()))),
        config.thresholds());
    // per sensor and metric, on its own clock: windows, threshold alerts, from the readings as stored
    // (without Delta among the sinks, from the stream again)
    Dataset<Row> flagged = sinks.eventTables(spark, EventOutcomes.onTime(events).schema())
        .map(tables -> observeStored(StoredEvents.read(spark, tables)))
        .orElseGet(() -> ThresholdBreaches.flag(EventValidation.valid(readings), config.thresholds()));
    Dataset<Row> windows = Partitioning.byHourOf(
        SensorWindows.aggregate(flagged, s.windowDuration(), s.deviceTime()), "window_start");
    Dataset<Row> alerts = Partitioning.byHourOf(ThresholdAlerts.detect(flagged, config.thresholds(),
        config.alertConsecutiveReadings(), s.alerts().stateTimeout().value()), "event_time");

    StreamingQueries queries = new StreamingQueries(spark, s, NAME, decorateSinks);
    queries.start("events", events, Sinks.of(
        sinks.lake(QUARANTINE).and(sinks.postgres(QUARANTINE)).taking(EventOutcomes::quarantined),
        sinks.events(EventOutcomes::onTime, EventOutcomes::late),
        sinks.parquet("breaches").taking(rows -> ThresholdBreaches.breaches(EventOutcomes.onTime(rows))),
        // PostgreSQL keeps the breaches only, not every reading
        sinks.postgres("events").taking(rows -> ThresholdBreaches.breaches(EventOutcomes.valid(rows)))),
        Deduplication.QUERY_CONF);
    queries.start("windows", windows,
        sinks.lakeMergedOn("window_stats", "sensor_id", "metric", "window_start").and(sinks.postgres("windows")),
        Deduplication.QUERY_CONF, s.windowsTriggerInterval());
    queries.startRestarting("alerts", alerts,
        sinks.lakeMergedOn(ALERTS, "alert_id").and(sinks.postgres(ALERTS)).and(sinks.alertPublisher()),
        ThresholdAlerts.QUERY_CONF);
    try (var housekeeping = Housekeeping.start(spark, NAME, s.sinks().compactionInterval().value(),
        sinks.deltaHousekeeping(spark))) {
      queries.awaitAll();
    }
    return queries;
  }
}
