package com.fleetstream.jobs.trips;

import static org.assertj.core.api.Assertions.assertThat;

import com.fleetstream.args.GlueArgs;
import com.fleetstream.jobs.config.TripRules;
import com.fleetstream.jobs.trips.TripDetector.Fix;
import com.fleetstream.jobs.trips.TripDetector.Segment;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scripted drives (one fix every 5 s, driving east at 36 km/h: 50 m a fix) through the detector with
 * the default rules: moving above 3 km/h, a trip after 2 minutes moving or 0.5 km, parked after 5
 * minutes, a gap after 15 minutes. The expected rows are worked out from the scripts by hand.
 */
class TripDetectorTest {
  static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  static final TripRules RULES = TripRules.from(GlueArgs.parse());
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  static Drive drive() {
    return new Drive("truck-1", START, 52.52, 13.40);
  }

  /** All fixes in order, then a watermark past the last. */
  static List<String> detect(List<Fix> fixes) {
    TripDetector detector = new TripDetector(RULES);
    fixes.forEach(detector::offer);
    return describe(detector.advance(fixes.get(fixes.size() - 1).time() + 1));
  }

  static List<String> describe(List<Segment> segments) {
    List<String> out = new ArrayList<>();
    for (Segment s : segments) {
      String span = s.kind() + " " + CLOCK.format(Instant.ofEpochMilli(s.start().time())) + "-"
          + CLOCK.format(Instant.ofEpochMilli(s.end().time()));
      out.add(s.track() == null ? span : span + String.format(Locale.ROOT,
          " %.3f km, moving %.2f min, idle %.2f min, max %.1f km/h, %d fixes, by %s", s.track().km(),
          s.track().movingMs() / 60_000.0, s.track().idleMs() / 60_000.0, s.track().maxSpeedKmh(), s.track().fixes(),
          s.endedBy()));
    }
    return out;
  }

  @Test
  void aTripRunsFromTheDepartureFixToTheFirstStandingFixOnceParkedAndTheStopBeforeItEndsWhereItBegins() {
    Drive d = drive().stand(600, 0).drive(600, 36).stand(600, 0);
    assertThat(detect(d.fixes())).containsExactly(
        "stop 08:00:00-08:09:55",
        "trip 08:09:55-08:20:00 6.000 km, moving 10.00 min, idle 0.08 min, max 36.0 km/h, 122 fixes, by parking");
  }

  @Test
  void aShortStopAtATrafficLightIsIdleTimeWithinTheTrip() {
    Drive d = drive().stand(60, 0).drive(300, 36).stand(90, 0).drive(300, 36).stand(600, 0);
    assertThat(detect(d.fixes())).containsExactly(
        "stop 08:00:00-08:00:55",
        "trip 08:00:55-08:12:30 6.000 km, moving 10.00 min, idle 1.58 min, max 36.0 km/h, 140 fixes, by parking");
  }

  @Test
  void speedJitterAroundTheThresholdNeitherStartsATripWhileParkedNorEndsOneWhileDriving() {
    Drive d = drive().stand(120, 0);
    for (int i = 0; i < 30; i++) {
      d.stand(5, 4).stand(15, 0); // a parked receiver's speed flickers above 3 km/h without going anywhere
    }
    d.drive(150, 36).stand(5, 2).drive(150, 36).stand(600, 0); // one slow fix in traffic
    assertThat(detect(d.fixes())).containsExactly(
        "stop 08:00:00-08:11:55",
        "trip 08:11:55-08:17:05 3.000 km, moving 5.00 min, idle 0.17 min, max 36.0 km/h, 63 fixes, by parking");
  }

  @Test
  void aGapEndsTheTripAtItsLastFixAndCountsAsAStopUntilTheNextTripsFirstFix() {
    Drive d = drive().stand(60, 0).drive(300, 36).silent(1200).drive(300, 36).stand(600, 0);
    assertThat(detect(d.fixes())).containsExactly(
        "stop 08:00:00-08:00:55",
        "trip 08:00:55-08:05:55 3.000 km, moving 5.00 min, idle 0.00 min, max 36.0 km/h, 61 fixes, by gap",
        "stop 08:05:55-08:26:00",
        "trip 08:26:00-08:31:00 2.950 km, moving 4.92 min, idle 0.08 min, max 36.0 km/h, 61 fixes, by parking");
  }

  @Test
  void ignitionOffEndsTheTripAtOnce() {
    Drive d = drive().stand(60, 0).drive(300, 36).stand(5, 0, "off");
    assertThat(detect(d.fixes())).containsExactly(
        "stop 08:00:00-08:00:55",
        "trip 08:00:55-08:06:00 3.000 km, moving 5.00 min, idle 0.08 min, max 36.0 km/h, 62 fixes, by ignition");
  }

  @Test
  void aVehicleThatFallsSilentMidTripHasItsTripEndedOnceItsClockPassesTheGapOrItIsClosed() {
    Drive d = drive().drive(300, 36); // first seen moving: no stop before its trip
    TripDetector detector = new TripDetector(RULES);
    d.fixes().forEach(detector::offer);
    long last = d.fix(59).time();
    assertThat(detector.advance(last + 1)).isEmpty();
    assertThat(detector.advance(last + RULES.gap().toMillis())).isEmpty();
    assertThat(describe(detector.advance(last + RULES.gap().toMillis() + 1))).containsExactly(
        "trip 08:00:00-08:04:55 2.950 km, moving 4.92 min, idle 0.00 min, max 36.0 km/h, 60 fixes, by gap");

    TripDetector closed = new TripDetector(RULES);
    d.fixes().forEach(closed::offer);
    assertThat(describe(closed.advance(Long.MAX_VALUE))).containsExactly(
        "trip 08:00:00-08:04:55 2.950 km, moving 4.92 min, idle 0.00 min, max 36.0 km/h, 60 fixes, by gap");
  }

  @Test
  void fixesArrivingOutOfOrderWithinTheWatermarkAndRepeatsGiveTheSameTripsWhateverTheBatches() {
    Drive d = drive().stand(60, 0).drive(300, 36).stand(90, 0).drive(300, 36).stand(600, 0);
    List<String> inOrder = detect(d.fixes());
    Random random = new Random(7);
    for (int run = 0; run < 20; run++) {
      List<Fix> arriving = new ArrayList<>(d.fixes());
      arriving.add(d.fix(40)); // a producer's retry
      for (int i = 0; i + 12 <= arriving.size(); i += 12) { // shuffled within each minute
        Collections.shuffle(arriving.subList(i, i + 12), random);
      }
      TripDetector detector = new TripDetector(RULES);
      List<Segment> out = new ArrayList<>();
      long maxSeen = Long.MIN_VALUE;
      int i = 0;
      while (i < arriving.size()) {
        int batch = 1 + random.nextInt(30);
        for (int j = 0; j < batch && i < arriving.size(); j++, i++) {
          detector.offer(arriving.get(i));
          maxSeen = Math.max(maxSeen, arriving.get(i).time());
        }
        // each batch's state goes through what the state store keeps
        detector = new TripDetector(RULES, TripsAndStops.state(TripsAndStops.row(detector.state())));
        out.addAll(detector.advance(maxSeen - Duration.ofMinutes(1).toMillis()));
      }
      out.addAll(detector.advance(maxSeen + 1));
      assertThat(describe(out)).as("run %d", run).isEqualTo(inOrder);
    }
  }
}
