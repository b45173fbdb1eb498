package com.fleetstream.jobs.trips;

import com.fleetstream.geo.GreatCircle;
import com.fleetstream.jobs.config.TripRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One vehicle's trips and stops from its fixes in event-time order, as tracking servers such as
 * Traccar define them ({@link TripRules}). Fixes are offered in any order and held until the
 * vehicle's clock passes them ({@link #advance}), so a fix arriving out of order but within the
 * allowed reordering takes its place in the sequence, and the result does not depend on how fixes
 * fall into batches.
 *
 * <p>While stopped, a moving fix starts a candidate trip from the fix before it (the departure
 * point); the candidate becomes a trip once it has been moving for the minimal trip duration or has
 * covered the minimal distance, and is dropped (a fluctuation) at a standing fix before then. During
 * a trip, a standing fix starts a candidate stop; the trip ends
 * at that fix once the vehicle has stood still for the minimal parking duration, or at once when its
 * ignition is off; a moving fix before then (a traffic light) keeps the trip going, the pause counted
 * as idle. A trip ends at its last fix when no fix follows within the gap. A stop lasts from its
 * trip's end to the next trip's departure; it is written when that trip is confirmed.
 *
 * <p>No Spark here: {@link TripsAndStops} keeps a detector's state per vehicle between batches.
 */
public final class TripDetector {
  public static final String TRIP = "trip";
  public static final String STOP = "stop";

  /** A fix as the detector needs it; {@code speedKmh} and {@code engine} may be null. */
  public record Fix(long time, String eventId, double latitude, double longitude, Double speedKmh, String engine) {}

  public record Point(long time, double latitude, double longitude) {}

  /** Movement from {@code start} to {@code end}: distance, time moving and standing, top speed, fixes. */
  public record Track(Point start, Point end, double km, long movingMs, long idleMs, double maxSpeedKmh, int fixes) {
    static Track from(Point p, double speedKmh) {
      return new Track(p, p, 0, 0, 0, speedKmh, 1);
    }

    /** The time since the previous fix counts as moving when the fix reached at its end is moving. */
    Track then(Point p, double legKm, long legMs, boolean moving, double speedKmh) {
      return new Track(start, p, km + legKm, movingMs + (moving ? legMs : 0), idleMs + (moving ? 0 : legMs),
          Math.max(maxSpeedKmh, speedKmh), fixes + 1);
    }
  }

  /** A finished trip (with its track and why it ended) or stop (track null). */
  public record Segment(String kind, Point start, Point end, Track track, String endedBy) {}

  /**
   * Everything a detector remembers between batches.
   *
   * @param trip the trip under way, or null when stopped
   * @param stopStart when and where the current stop began, null if unknown (a vehicle first seen moving)
   * @param candidateStop during a trip: the first of the standing fixes that may end it
   * @param candidate during a trip: the trip as it would end at {@code candidateStop}; when stopped: the
   *     movement that may become a trip
   * @param last the last fix taken
   * @param pending fixes the vehicle's clock has not yet passed
   */
  public record State(Track trip, Point stopStart, Point candidateStop, Track candidate, Point last,
      List<Fix> pending) {}

  private final TripRules rules;
  private Track trip;
  private Point stopStart;
  private Point candidateStop;
  private Track candidate;
  private Point last;
  private final List<Fix> pending = new ArrayList<>();
  private int repeats;

  public TripDetector(TripRules rules) {
    this(rules, new State(null, null, null, null, null, List.of()));
  }

  public TripDetector(TripRules rules, State state) {
    this.rules = rules;
    this.trip = state.trip();
    this.stopStart = state.stopStart();
    this.candidateStop = state.candidateStop();
    this.candidate = state.candidate();
    this.last = state.last();
    this.pending.addAll(state.pending());
  }

  public State state() {
    return new State(trip, stopStart, candidateStop, candidate, last, List.copyOf(pending));
  }

  public void offer(Fix fix) {
    pending.add(fix);
  }

  /**
   * Takes the held fixes older than {@code watermarkMs} in event-time order and, when it is past the
   * last fix by the gap, ends the movement under way.
   *
   * @return the trips and stops that ended
   */
  public List<Segment> advance(long watermarkMs) {
    List<Segment> out = new ArrayList<>();
    pending.sort(Comparator.comparingLong(Fix::time).thenComparing(Fix::eventId));
    while (!pending.isEmpty() && pending.get(0).time() < watermarkMs) {
      take(pending.remove(0), out);
    }
    if (last != null && moving() && last.time() + rules.gap().toMillis() < watermarkMs) {
      endByGap(out);
    }
    return out;
  }

  /** Fixes skipped since the detector was made: at the same instant as the vehicle's previous one. */
  public int repeats() {
    return repeats;
  }

  /** A trip under way, or a movement that may become one. */
  private boolean moving() {
    return trip != null || candidate != null;
  }

  private void take(Fix f, List<Segment> out) {
    if (last != null && f.time() <= last.time()) {
      repeats++;
      return;
    }
    boolean connected = last != null && f.time() - last.time() <= rules.gap().toMillis();
    if (last != null && !connected) {
      endByGap(out);
    }
    Point p = new Point(f.time(), f.latitude(), f.longitude());
    double km = connected ? GreatCircle.haversineKm(last.latitude(), last.longitude(), p.latitude(), p.longitude()) : 0;
    long ms = connected ? f.time() - last.time() : 0;
    double speed = f.speedKmh() != null ? f.speedKmh() : ms > 0 ? km / (ms / 3_600_000.0) : 0;
    boolean ignitionOff = "off".equalsIgnoreCase(f.engine());
    boolean moving = !ignitionOff && speed > rules.speedKmh();
    if (trip != null) {
      trip = trip.then(p, km, ms, moving, speed);
      if (moving) {
        candidateStop = null;
        candidate = null;
      } else {
        if (candidateStop == null) {
          candidateStop = p;
          candidate = trip;
        }
        if (ignitionOff || f.time() - candidateStop.time() >= rules.minParking().toMillis()) {
          endTrip(candidate, ignitionOff ? "ignition" : "parking", out);
        }
      }
    } else if (candidate != null) {
      if (moving) {
        candidate = candidate.then(p, km, ms, true, speed);
        confirmTrip(out);
      } else {
        candidate = null; // it moved too little to be a trip
      }
    } else if (moving) {
      candidate = connected ? Track.from(last, 0).then(p, km, ms, true, speed) : Track.from(p, speed);
      confirmTrip(out);
    } else if (stopStart == null) {
      stopStart = p;
    }
    last = p;
  }

  private void confirmTrip(List<Segment> out) {
    if (candidate.movingMs() >= rules.minTripDuration().toMillis() || candidate.km() >= rules.minTripDistanceKm()) {
      if (stopStart != null && candidate.start().time() > stopStart.time()) {
        out.add(new Segment(STOP, stopStart, candidate.start(), null, null));
      }
      trip = candidate;
      candidate = null;
      stopStart = null;
    }
  }

  private void endTrip(Track ended, String reason, List<Segment> out) {
    out.add(new Segment(TRIP, ended.start(), ended.end(), ended, reason));
    stopStart = ended.end();
    trip = null;
    candidate = null;
    candidateStop = null;
  }

  /** No fix within the gap: a trip ends where it was last seen standing, or at its last fix. */
  private void endByGap(List<Segment> out) {
    if (trip != null) {
      endTrip(candidateStop != null ? candidate : trip, "gap", out);
    } else {
      candidate = null;
    }
  }
}
