package com.fleetstream.jobs;

import static org.apache.spark.sql.functions.col;

import com.fleetstream.jobs.combine.DeltaChanges;
import com.fleetstream.jobs.combine.FinalSummaries;
import com.fleetstream.jobs.combine.FinalTableWriter;
import com.fleetstream.jobs.combine.NearestPosition;
import com.fleetstream.jobs.combine.RunManifest;
import com.fleetstream.jobs.config.CombineJobConfig;
import com.fleetstream.jobs.runtime.JobMain;
import com.fleetstream.jobs.runtime.SparkSessions;
import com.fleetstream.jobs.sink.JobSinks;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glue batch job (hourly trigger or on demand): the streams' Delta tables to the final dataset the
 * notifier and the crawlers watch. Incremental: only days whose input changed since the last run's
 * manifest are recomputed, each replaced in one commit; with no new input it writes nothing.
 */
public final class CombineJob {
  public static final String VEHICLE_DAILY = "vehicle_daily_summary";
  public static final String SENSOR_HOURLY = "sensor_hourly_summary";
  public static final String ENRICHED = "location_sensor_enriched";
  public static final String VEHICLE_DAILY_TRIPS = "vehicle_daily_trips";
  private static final Logger LOG = LoggerFactory.getLogger(CombineJob.class);
  private static final String LOCATION_EVENTS = "location/events";
  private static final String SENSOR_EVENTS = "sensor/events";
  private static final String SENSOR_WINDOWS = "sensor/window_stats";
  private static final String LOCATION_TRIPS = "location/trips";
  private static final String LOCATION_LATE = "location/" + JobSinks.LATE_EVENTS;
  private static final String SENSOR_LATE = "sensor/" + JobSinks.LATE_EVENTS;
  /** Each stream's events table and the table of its events that came after the watermark. */
  private static final Map<String, String> LATE_OF = Map.of(LOCATION_EVENTS, LOCATION_LATE, SENSOR_EVENTS, SENSOR_LATE);
  /** Each output and the inputs it is made of. */
  private static final Map<String, String[]> INPUTS_OF = Map.of(VEHICLE_DAILY, new String[] {LOCATION_EVENTS},
      VEHICLE_DAILY_TRIPS, new String[] {LOCATION_TRIPS}, SENSOR_HOURLY, new String[] {SENSOR_EVENTS},
      ENRICHED, new String[] {SENSOR_WINDOWS, SENSOR_EVENTS, LOCATION_EVENTS});

  private CombineJob() {}

  public static void main(String[] args) {
    JobMain.run("combine", () -> CombineJobConfig.parse(args), config ->
        run(SparkSessions.forJob("fleetstream-combine"), config));
  }

  /** @return the manifest's URI, or empty when no input changed since the last run */
  public static Optional<String> run(SparkSession spark, CombineJobConfig config) {
    SparkSessions.configure(spark, config.shufflePartitions());
    // the streams' tables are only read here: their one writer is their stream's driver (Housekeeping)
    var hadoop = spark.sparkContext().hadoopConfiguration();

    RunManifest.Last last = RunManifest.last(hadoop, config.finalPath());
    Map<String, Long> since = last.inputVersions();
    Map<String, String> sinceIds = last.inputTableIds();
    Map<String, Set<String>> pending = last.pendingDays();
    Map<String, Long> now = new LinkedHashMap<>();
    Map<String, String> ids = new LinkedHashMap<>();
    Map<String, Set<String>> changed = new LinkedHashMap<>();
    boolean remade = false;
    for (String input : new String[] {LOCATION_EVENTS, SENSOR_EVENTS, SENSOR_WINDOWS, LOCATION_LATE, SENSOR_LATE,
        LOCATION_TRIPS}) {
      String path = input(config, input);
      long version = DeltaChanges.version(spark, path);
      String id = version < 0 ? "" : DeltaChanges.tableId(spark, path);
      now.put(input, version);
      ids.put(input, id);
      long sinceVersion = since.getOrDefault(input, -1L);
      if (sinceIds.containsKey(input) && !sinceIds.get(input).equals(id)) {
        // deleted and made again: its versions count from 0 again, so the last run's says nothing
        LOG.warn("combine: {} is another table than the last run read ({}, was {}); taking every day as changed",
            path, id, sinceIds.get(input));
        sinceVersion = -1;
        remade = true;
      }
      changed.put(input, DeltaChanges.changedDays(spark, path, sinceVersion, version));
    }
    if (pending.isEmpty() && (!remade && now.equals(since) || changed.values().stream().allMatch(Set::isEmpty))) {
      LOG.info("combine: no input changed since the last run ({}), nothing to do", since);
      return Optional.empty();
    }

    Map<String, Set<String>> days = new LinkedHashMap<>();
    Set<String> vehicleDays = days.computeIfAbsent(VEHICLE_DAILY, t -> new TreeSet<>(changed.get(LOCATION_EVENTS)));
    vehicleDays.addAll(changed.get(LOCATION_LATE));
    days.put(VEHICLE_DAILY_TRIPS, new TreeSet<>(changed.get(LOCATION_TRIPS)));
    Set<String> sensorDays = days.computeIfAbsent(SENSOR_HOURLY, t -> new TreeSet<>(changed.get(SENSOR_EVENTS)));
    sensorDays.addAll(changed.get(SENSOR_LATE));
    Set<String> enrichedDays = days.computeIfAbsent(ENRICHED, t -> new TreeSet<>(changed.get(SENSOR_WINDOWS)));
    enrichedDays.addAll(sensorDays);
    vehicleDays.forEach(d -> enrichedDays.addAll(aroundDay(d))); // a fix near midnight serves both days
    // a stream not deployed (or not written yet) has no tables: the outputs that need it wait
    days.keySet().removeIf(table -> !exist(now, INPUTS_OF.get(table)));
    Map<String, Set<String>> deferred = bound(days, pending, config.maxDaysPerRun());
    Set<String> tripDays = days.get(VEHICLE_DAILY_TRIPS);

    FinalTableWriter writer = new FinalTableWriter(config.finalPath() + "/_tmp/" + config.runId(),
        config.targetFileBytes());
    Map<String, Map<String, FinalTableWriter.DayStats>> written = new LinkedHashMap<>();
    if (days.containsKey(VEHICLE_DAILY)) {
      Dataset<Row> fixes = events(spark, config, LOCATION_EVENTS, vehicleDays, now);
      written.put(VEHICLE_DAILY, writer.replaceDays(FinalSummaries.vehicleDaily(fixes, config.idleSpeedKmh()),
          output(config, VEHICLE_DAILY), vehicleDays, "dt"));
    }
    if (days.containsKey(VEHICLE_DAILY_TRIPS)) {
      written.put(VEHICLE_DAILY_TRIPS, writer.replaceDays(FinalSummaries.vehicleDailyTrips(
          read(spark, config, LOCATION_TRIPS, tripDays, now)), output(config, VEHICLE_DAILY_TRIPS), tripDays, "dt"));
    }
    if (days.containsKey(SENSOR_HOURLY)) {
      Dataset<Row> readings = events(spark, config, SENSOR_EVENTS, sensorDays, now);
      written.put(SENSOR_HOURLY, writer.replaceDays(FinalSummaries.sensorHourly(readings),
          output(config, SENSOR_HOURLY), sensorDays, "dt", "hour"));
    }
    long unmatched = 0;
    if (days.containsKey(ENRICHED)) {
      Dataset<Row> enriched = NearestPosition.enrich(read(spark, config, SENSOR_WINDOWS, enrichedDays, now),
          events(spark, config, SENSOR_EVENTS, enrichedDays, now),
          events(spark, config, LOCATION_EVENTS, around(enrichedDays), now), config.positionTolerance());
      written.put(ENRICHED, writer.replaceDays(enriched, output(config, ENRICHED), enrichedDays, "dt"));
      unmatched = spark.read().format("delta").load(output(config, ENRICHED))
          .filter(col("dt").isin((Object[]) enrichedDays.toArray()))
          .filter(col(NearestPosition.SOURCE).equalTo("none")).count();
    }
    written.values().forEach(stats -> stats.values().removeIf(s -> s.rows() == 0 && s.bytes() == 0));

    try {
      new org.apache.hadoop.fs.Path(config.finalPath(), "_tmp").getFileSystem(hadoop)
          .delete(new org.apache.hadoop.fs.Path(config.finalPath(), "_tmp/" + config.runId()), true);
    } catch (java.io.IOException e) {
      LOG.warn("could not remove {}/_tmp/{}: {}", config.finalPath(), config.runId(), e.toString());
    }
    String manifest = RunManifest.write(hadoop, config.finalPath(), config.runId(), now, ids, deferred, written,
        unmatched);
    LOG.info("combine run {}: days {} written, {} sensor windows without a position, {} left for the next runs;"
        + " manifest {}", config.runId(), written, unmatched, deferred, manifest);
    return Optional.of(manifest);
  }

  /** These days of an input at the version the manifest records: a commit landing meanwhile waits for the next run. */
  private static Dataset<Row> read(SparkSession spark, CombineJobConfig config, String table, Set<String> days,
      Map<String, Long> versions) {
    return DeltaChanges.asOf(spark, input(config, table), versions.get(table))
        .filter(col("dt").isin((Object[]) days.toArray()));
  }

  /**
   * A stream's events of these days, late ones folded in. A late event may repeat one whose
   * deduplication state had already expired, so the union is deduplicated again.
   */
  private static Dataset<Row> events(SparkSession spark, CombineJobConfig config, String table, Set<String> days,
      Map<String, Long> versions) {
    Dataset<Row> events = read(spark, config, table, days, versions);
    String late = LATE_OF.get(table);
    return versions.get(late) < 0 ? events
        : events.unionByName(read(spark, config, late, days, versions)).dropDuplicates("event_id", "event_time");
  }

  /**
   * Keeps in each output's days, with the days the last run left, only the oldest {@code max}: a
   * run that fell behind (weeks of changed days, an input made again) writes a bounded part, oldest
   * first, and its manifest hands the rest to the next run.
   *
   * @return the days left, per output that has any
   */
  private static Map<String, Set<String>> bound(Map<String, Set<String>> days, Map<String, Set<String>> pending,
      int max) {
    Map<String, Set<String>> left = new LinkedHashMap<>();
    days.forEach((table, these) -> {
      TreeSet<String> all = new TreeSet<>(these);
      all.addAll(pending.getOrDefault(table, Set.of()));
      these.clear();
      while (!all.isEmpty() && these.size() < max) {
        these.add(all.pollFirst());
      }
      if (!all.isEmpty()) {
        left.put(table, all);
      }
    });
    return left;
  }

  private static boolean exist(Map<String, Long> versions, String... tables) {
    return java.util.Arrays.stream(tables).allMatch(t -> versions.get(t) >= 0);
  }

  private static Set<String> around(Set<String> days) {
    Set<String> all = new TreeSet<>();
    days.forEach(d -> all.addAll(aroundDay(d)));
    return all;
  }

  private static Set<String> aroundDay(String day) {
    LocalDate d = LocalDate.parse(day);
    return Set.of(d.minusDays(1).toString(), day, d.plusDays(1).toString());
  }

  private static String input(CombineJobConfig config, String table) {
    return config.inputDeltaPath() + "/" + table;
  }

  private static String output(CombineJobConfig config, String table) {
    return config.finalPath() + "/" + table;
  }
}
