package com.fleetstream.jobs;

import static com.fleetstream.jobs.runtime.BatchAccounting.observeDeduplication;
import static com.fleetstream.jobs.runtime.BatchAccounting.observeStored;
import static com.fleetstream.jobs.runtime.BatchAccounting.observeValidation;
import static com.fleetstream.jobs.sink.JobSinks.ALERTS;
import static com.fleetstream.jobs.sink.JobSinks.QUARANTINE;

import com.fleetstream.geo.Geofence;
import com.fleetstream.jobs.config.LocationJobConfig;
import com.fleetstream.jobs.config.StreamingConfig;
import com.fleetstream.jobs.contract.InputContract.RecordKind;
import com.fleetstream.jobs.runtime.JobMain;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.runtime.StreamingQueries;
import com.fleetstream.jobs.sink.BatchSink;
import com.fleetstream.jobs.sink.Housekeeping;
import com.fleetstream.jobs.sink.JobSinks;
import com.fleetstream.jobs.sink.Sinks;
import com.fleetstream.jobs.source.GeofenceFile;
import com.fleetstream.jobs.source.KinesisSource;
import com.fleetstream.jobs.source.StoredEvents;
import com.fleetstream.jobs.transform.Deduplication;
import com.fleetstream.jobs.transform.EventOutcomes;
import com.fleetstream.jobs.transform.EventValidation;
import com.fleetstream.jobs.transform.GeofenceAlerts;
import com.fleetstream.jobs.transform.KinesisRecords;
import com.fleetstream.jobs.transform.LocationEvents;
import com.fleetstream.jobs.transform.Partitioning;
import com.fleetstream.jobs.transform.ThresholdAlerts;
import com.fleetstream.jobs.transform.VehicleWindows;
import com.fleetstream.jobs.trips.TripsAndStops;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Glue streaming job: vehicle GPS fixes from Kinesis to quarantine and deduplicated events (late ones
 * kept apart) in one query, per-vehicle window statistics in another, trips and stops in a third and,
 * with geofences configured, alerts when vehicles enter or leave them in a fourth. Each query has its
 * own checkpoint. Only the first reads Kinesis when Delta is a sink: the others read the events it
 * stored there.
 */
public final class LocationStreamingJob {
  public static final String NAME = "location";

  private LocationStreamingJob() {}

  public static void main(String[] args) {
    JobMain.run(NAME, () -> LocationJobConfig.parse(args), config ->
        run(SparkSessions.forJob("fleetstream-location"), config));
  }

  public static StreamingQueries run(SparkSession spark, LocationJobConfig config) {
    return run(spark, config, UnaryOperator.identity());
  }

  public static StreamingQueries run(SparkSession spark, LocationJobConfig config, UnaryOperator<BatchSink> decorateSinks) {
    StreamingConfig s = config.streaming();
    SparkSessions.configure(spark, s);
    JobSinks sinks = JobSinks.open(spark, NAME, s);

    List<Geofence> geofences = config.geofences().map(uri -> GeofenceFile.read(spark, uri)).orElse(List.of());

    // source: every stream parsed and validated, each with its contract
    Dataset<Row> fixes = observeValidation(KinesisSource.readParsed(spark, s.source(), RecordKind.LOCATION,
        LocationEvents.FIELDS, (records, contract) -> LocationEvents.parse(KinesisRecords.decode(records), contract,
            s.maxEventAge().value())));
    // events: every record once, quarantined, on time or late (the split is EventOutcomes')
    Dataset<Row> events = Deduplication.withoutRepeats(
        observeDeduplication(Deduplication.keepingLate(fixes, s.dedupWatermark(), s.dedupState())));
    // per vehicle, on its own clock: windows, trips and stops, geofence crossings, from the events as
    // stored (without Delta among the sinks, from the stream again)
    Dataset<Row> valid = sinks.eventTables(spark, EventOutcomes.onTime(events).schema())
        .map(tables -> observeStored(StoredEvents.read(spark, tables)))
        .orElseGet(() -> EventValidation.valid(fixes));
    Dataset<Row> windows = Partitioning.byHourOf(
        VehicleWindows.aggregate(valid, s.windowDuration(), config.idleSpeedKmh(), s.deviceTime()), "window_start");
    Dataset<Row> trips = Partitioning.byHourOf(
        TripsAndStops.detect(valid, config.trips(), geofences, s.deviceTime()), "start_time");
    Optional<Dataset<Row>> alerts = config.geofences().map(uri -> Partitioning.byHourOf(
        GeofenceAlerts.detect(valid, geofences, s.alerts().stateTimeout().value()), "event_time"));

    StreamingQueries queries = new StreamingQueries(spark, s, NAME, decorateSinks);
    queries.start("events", events, Sinks.of(
        sinks.lake(QUARANTINE).and(sinks.postgres(QUARANTINE)).taking(EventOutcomes::quarantined),
        sinks.events(EventOutcomes::onTime, EventOutcomes::late),
        sinks.postgres("events").taking(EventOutcomes::valid)), Deduplication.QUERY_CONF);
    queries.start("windows", windows,
        sinks.lakeMergedOn("window_stats", "vehicle_id", "window_start").and(sinks.postgres("windows")),
        Deduplication.QUERY_CONF, s.windowsTriggerInterval());
    queries.start("trips", trips, Sinks.of(
        sinks.lakeMergedOn("trips", "trip_id").and(sinks.postgres("trips")).taking(TripsAndStops::trips),
        sinks.lakeMergedOn("stops", "stop_id").and(sinks.postgres("stops")).taking(TripsAndStops::stops)),
        Deduplication.QUERY_CONF, s.windowsTriggerInterval());
    alerts.ifPresent(a -> queries.startRestarting("alerts", a,
        sinks.lakeMergedOn(ALERTS, "alert_id").and(sinks.postgres(ALERTS)).and(sinks.alertPublisher()),
        ThresholdAlerts.QUERY_CONF));
    try (var housekeeping = Housekeeping.start(spark, NAME, s.sinks().compactionInterval().value(),
        sinks.deltaHousekeeping(spark), sinks.historyRetention())) {
      queries.awaitAll();
    }
    return queries;
  }
}
