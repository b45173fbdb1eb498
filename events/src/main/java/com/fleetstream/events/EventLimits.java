package com.fleetstream.events;

import java.time.Duration;

/** What no honest event exceeds, whichever way it arrives. */
public final class EventLimits {
  /** Events are a few hundred bytes; anything near Kinesis's 1 MiB record limit is not one. */
  public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
  /** Ids, metric names, units and statuses are short; longer text is junk, not worth a database row. */
  public static final int MAX_TEXT_CHARS = 256;
  /** Device clocks drift; more than this ahead of the arrival time is a bad clock, not an event. */
  public static final Duration MAX_CLOCK_AHEAD = Duration.ofHours(1);

  private EventLimits() {}
}
