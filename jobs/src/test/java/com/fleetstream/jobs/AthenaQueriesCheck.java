package com.fleetstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.config.Thresholds;
import com.fleetstream.simulator.GpsFix;
import com.fleetstream.simulator.OutgoingRecord;
import com.fleetstream.simulator.OutgoingRecord.Kind;
import com.fleetstream.simulator.SensorReading;
import com.fleetstream.sql.SqlScript;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs every query in {@code sql/athena/queries} with Spark SQL over the local catalog (the tables
 * the crawlers make on AWS) and compares it with a plain-Java computation over what was sent.
 */
public final class AthenaQueriesCheck {
  private final SparkSession spark;
  private final List<GpsFix> fixes;
  private final List<SensorReading> readings;
  private final Thresholds thresholds;

  /** The check for what a simulation sent: its valid fixes and readings, the default thresholds. */
  public static AthenaQueriesCheck of(SparkSession spark, List<OutgoingRecord> sent) {
    return new AthenaQueriesCheck(spark,
        sent.stream().filter(r -> r.kind() == Kind.VALID
            && r.event() instanceof GpsFix).map(r -> (GpsFix) r.event()).toList(),
        sent.stream().filter(r -> r.kind() == Kind.VALID
            && r.event() instanceof SensorReading).map(r -> (SensorReading) r.event()).toList(),
        Thresholds.parse(Thresholds.DEFAULT));
  }

  public AthenaQueriesCheck(SparkSession spark, List<GpsFix> fixes, List<SensorReading> readings, Thresholds thresholds) {
    this.spark = spark;
    this.fixes = fixes;
    this.readings = readings;
    this.thresholds = thresholds;
  }

  private List<Row> run(String name, Object... params) {
    return spark.sql(SqlScript.load("sql/athena/queries/" + name + ".sql").single(), params).collectAsList();
  }

  public void assertAll() {
    Map<String, List<GpsFix>> tracks = fixes.stream().collect(Collectors.groupingBy(
        f -> f.timestamp().atOffset(ZoneOffset.UTC).toLocalDate() + " " + f.vehicleId(), TreeMap::new,
        Collectors.collectingAndThen(Collectors.toList(),
            l -> l.stream().sorted(Comparator.comparing(GpsFix::timestamp)).toList())));
    Map<String, double[]> perVehicleDay = new TreeMap<>(); // distance, idle, driving
    tracks.forEach((key, track) -> {
      double[] sums = new double[3];
      for (int i = 1; i < track.size(); i++) {
        GpsFix a = track.get(i - 1);
        GpsFix b = track.get(i);
        sums[0] += GreatCircle.haversineKm(a.latitude(), a.longitude(), b.latitude(), b.longitude());
        sums[a.speedKmh() < 1.0 ? 1 : 2] += Duration.between(a.timestamp(), b.timestamp()).toMillis() / 60_000.0;
      }
      perVehicleDay.put(key, sums);
    });

    // fleet distance per day
    List<Row> perDay = run("fleet_distance_per_day");
    Map<String, List<Map.Entry<String, double[]>>> byDay = perVehicleDay.entrySet().stream()
        .collect(Collectors.groupingBy(e -> e.getKey().substring(0, 10), TreeMap::new, Collectors.toList()));
    assertThat(perDay).extracting(r -> r.getString(0)).containsExactlyElementsOf(byDay.keySet());
    for (Row r : perDay) {
      List<Map.Entry<String, double[]>> day = byDay.get(r.getString(0));
      assertThat(r.getLong(1)).isEqualTo(day.size());
      assertThat(r.getDouble(2)).isCloseTo(day.stream().mapToDouble(e -> e.getValue()[0]).sum(), within(1e-6));
      assertThat(r.getDouble(3)).isCloseTo(day.stream().mapToDouble(e -> e.getValue()[2]).sum(), within(1e-6));
      assertThat(r.getDouble(4)).isCloseTo(day.stream().mapToDouble(e -> e.getValue()[1]).sum(), within(1e-6));
    }

    // top idle vehicles of the first day
    String firstDay = byDay.keySet().iterator().next();
    assertThat(run("top_idle_vehicles", firstDay)).extracting(r -> r.getString(1)).containsExactlyElementsOf(
        byDay.get(firstDay).stream()
            .sorted(Comparator.<Map.Entry<String, double[]>>comparingDouble(e -> -e.getValue()[1])
                .thenComparing(Map.Entry::getKey))
            .limit(5).map(e -> e.getKey().substring(11)).toList());

    // breaches per hour, device and metric (over sensor-hours with a breach)
    Map<String, List<SensorReading>> sensorHours = readings.stream().collect(Collectors.groupingBy(
        r -> hour(r.timestamp()) + " " + r.deviceId() + " " + r.metric() + " " + r.sensorId()));
    Map<String, long[]> expected = new TreeMap<>();
    sensorHours.forEach((key, list) -> {
      long breaches = list.stream().filter(r -> PipelineExpectations.breach(thresholds, r)).count();
      if (breaches > 0) {
        String group = key.substring(0, key.lastIndexOf(' '));
        long[] sums = expected.computeIfAbsent(group, k -> new long[2]);
        sums[0] += breaches;
        sums[1] += list.size() - breaches;
      }
    });
    assertThat(expected).isNotEmpty();
    Map<String, long[]> actual = new TreeMap<>();
    for (Row r : run("sensor_breaches_per_hour")) {
      actual.put(r.getString(0) + "T" + r.getString(1) + " " + r.getString(2) + " " + r.getString(3),
          new long[] {r.getLong(4), r.getLong(5)});
    }
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);

    // vehicles near the first fix of truck-001 in the first 30 minutes
    GpsFix centre = fixes.stream().filter(f -> f.vehicleId().equals("truck-001"))
        .min(Comparator.comparing(GpsFix::timestamp)).orElseThrow();
    Instant from = centre.timestamp();
    Instant to = from.plus(Duration.ofMinutes(30));
    double radiusKm = 3.0;
    Map<String, List<GpsFix>> near = fixes.stream()
        .filter(f -> !f.timestamp().isBefore(from) && f.timestamp().isBefore(to)
            && GreatCircle.haversineKm(f.latitude(), f.longitude(), centre.latitude(), centre.longitude()) <= radiusKm)
        .collect(Collectors.groupingBy(GpsFix::vehicleId, TreeMap::new, Collectors.toList()));
    assertThat(run("vehicles_near_point", Timestamp.from(from), Timestamp.from(to), centre.latitude(),
        centre.latitude(), centre.longitude(), radiusKm))
        .extracting(r -> r.getString(0) + " " + r.getTimestamp(1).toInstant() + " " + r.getLong(3))
        .containsExactlyElementsOf(near.entrySet().stream().map(e -> e.getKey() + " "
            + e.getValue().stream().map(GpsFix::timestamp).min(Comparator.naturalOrder()).orElseThrow() + " "
            + e.getValue().size()).toList());

    // freshness
    Instant newestFix = fixes.stream().map(GpsFix::timestamp).max(Comparator.naturalOrder()).orElseThrow();
    Instant newestReading = readings.stream().map(SensorReading::timestamp).max(Comparator.naturalOrder()).orElseThrow();
    assertThat(run("data_freshness")).extracting(r -> r.getString(0) + " " + r.getTimestamp(1).toInstant())
        .containsExactly("location_events " + newestFix, "sensor_events " + newestReading,
            "vehicle_daily_summary " + newestFix);
  }

  private static String hour(Instant t) {
    return t.atOffset(ZoneOffset.UTC).toLocalDate() + "T" + String.format("%02d", t.atOffset(ZoneOffset.UTC).getHour());
  }
}
