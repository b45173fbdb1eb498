package com.fleetstream.events;

import java.util.Locale;

/**
 * Why a record went to quarantine, as the quarantine tables, the API's per-record answers and the
 * counts name it: the jobs' Spark rules, {@link RecordCheck} and the simulator's planted faults all
 * take their reasons from here. A reason about one field is written {@code <reason>:<field>}.
 */
public enum QuarantineReason {
  /** Bytes that are not UTF-8 (the payload is stored with U+FFFD in their place). */
  INVALID_UTF8(false),
  /** Over {@link EventLimits#MAX_PAYLOAD_BYTES} of UTF-8. */
  PAYLOAD_TOO_LARGE(false),
  /** Not JSON, or JSON that is not an object. */
  MALFORMED_JSON(false),
  MISSING_FIELD(true),
  /** A value of the wrong type, also an object or array where text belongs. */
  INVALID_TYPE(true),
  /** Text over {@link EventLimits#MAX_TEXT_CHARS} characters. */
  TOO_LONG(true),
  /** NaN or Infinity. */
  INVALID_NUMBER(true),
  OUT_OF_RANGE(true),
  /** A sensor metric the job has no thresholds for. */
  UNKNOWN_METRIC(false),
  /** More than the maximum event age before the record's arrival: a reset clock. */
  TIMESTAMP_TOO_OLD(false),
  /** More than {@link EventLimits#MAX_CLOCK_AHEAD} after the record's arrival. */
  TIMESTAMP_IN_FUTURE(false);

  private final boolean aboutAField;
  private final String code = name().toLowerCase(Locale.ROOT);

  QuarantineReason(boolean aboutAField) {
    this.aboutAField = aboutAField;
  }

  /** The reason as stored, for a reason about the whole record. */
  public String code() {
    if (aboutAField) {
      throw new IllegalStateException(name() + " names a field: use of(field)");
    }
    return code;
  }

  /** The reason as stored, {@code <reason>:<field>}, for a reason about one field. */
  public String of(String field) {
    if (!aboutAField) {
      throw new IllegalStateException(name() + " is about the whole record: use code()");
    }
    return code + ":" + field;
  }

  @Override
  public String toString() {
    return code;
  }
}
