package com.fleetstream.events;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quarantine reason the jobs' validation gives a record under the built-in input contract,
 * without Spark: the first thing wrong with it, in the jobs' order (payload, JSON, then each field
 * in turn: missing, type, length, number, range; then the event time against the arrival time).
 * {@code RecordCheckAgreementTest} in the jobs holds the two to the same answers.
 */
public final class RecordCheck {
  /** As Spark's JSON reader: single quotes and NaN/Infinity tokens are JSON to it. */
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final Pattern BARE_NUMBER = Pattern.compile("^\\s*-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?\\s*$");
  /** The ISO-8601 shapes Spark's cast to TIMESTAMP takes; no zone is UTC, as the jobs' sessions run. */
  private static final Pattern ISO = Pattern.compile("^(\\d{4})(?:-(\\d{1,2})(?:-(\\d{1,2})"
      + "(?:[T ](\\d{1,2}):(\\d{1,2})(?::(\\d{1,2})(?:\\.(\\d{1,9}))?)?)?)?)?\\s*(Z|UTC|[+-]\\d{1,2}(?::?\\d{2})?)?$");

  /** A record's fields as the jobs read them, and what is wrong with it; {@code reason} null when valid. */
  public record Checked(String reason, JsonNode record) {
    public boolean valid() {
      return reason == null;
    }
  }

  private RecordCheck() {}

  /**
   * @param aliases per field, the other JSON names taken for it, tried in order after its own name
   * @param arrival when the record arrived (Kinesis's arrival time, in the jobs)
   * @param maxEventAge an event time further before {@code arrival} is {@code timestamp_too_old}
   */
  public static Checked check(byte[] payload, List<FieldSpec> fields, Map<String, List<String>> aliases,
      Instant arrival, Duration maxEventAge) {
    return check(payload, fields, aliases, arrival, maxEventAge, EventLimits.MAX_CLOCK_AHEAD);
  }

  /** @param maxClockAhead an event time further after {@code arrival} is {@code timestamp_in_future} */
  public static Checked check(byte[] payload, List<FieldSpec> fields, Map<String, List<String>> aliases,
      Instant arrival, Duration maxEventAge, Duration maxClockAhead) {
    if (!utf8(payload)) {
      return new Checked(QuarantineReason.INVALID_UTF8.code(), null);
    }
    if (payload.length > EventLimits.MAX_PAYLOAD_BYTES) {
      return new Checked(QuarantineReason.PAYLOAD_TOO_LARGE.code(), null);
    }
    JsonNode record;
    try {
      record = JSON.readTree(payload);
    } catch (IOException e) {
      return new Checked(QuarantineReason.MALFORMED_JSON.code(), null);
    }
    if (record == null || !record.isObject()) {
      return new Checked(QuarantineReason.MALFORMED_JSON.code(), null);
    }
    Instant eventTime = null;
    for (FieldSpec f : fields) {
      JsonNode value = value(record, f.name(), aliases);
      String text = value == null ? null : value.isValueNode() ? value.asText() : value.toString();
      boolean blank = text == null || text.strip().isEmpty();
      if (blank) {
        if (f.required()) {
          return new Checked(QuarantineReason.MISSING_FIELD.of(f.name()), record);
        }
        continue;
      }
      String reason = switch (f.type()) {
        case TEXT -> text.stripLeading().startsWith("[") || text.stripLeading().startsWith("{")
            ? QuarantineReason.INVALID_TYPE.of(f.name())
            : text.codePointCount(0, text.length()) > EventLimits.MAX_TEXT_CHARS ? QuarantineReason.TOO_LONG.of(f.name()) : null;
        case NUMBER -> numberReason(f, value, text);
        case TIMESTAMP -> {
          eventTime = timestamp(text);
          yield eventTime == null ? QuarantineReason.INVALID_TYPE.of(f.name()) : null;
        }
      };
      if (reason != null) {
        return new Checked(reason, record);
      }
    }
    if (eventTime != null) {
      if (eventTime.isBefore(arrival.minus(maxEventAge))) {
        return new Checked(QuarantineReason.TIMESTAMP_TOO_OLD.code(), record);
      }
      if (eventTime.isAfter(arrival.plus(maxClockAhead))) {
        return new Checked(QuarantineReason.TIMESTAMP_IN_FUTURE.code(), record);
      }
    }
    return new Checked(null, record);
  }

  /** The field's value under its own name or else the first alias that has one; null when none has. */
  public static JsonNode value(JsonNode record, String field, Map<String, List<String>> aliases) {
    List<String> names = new ArrayList<>();
    names.add(field);
    names.addAll(aliases.getOrDefault(field, List.of()));
    for (String name : names) {
      JsonNode v = record.get(name);
      if (v != null && !v.isNull()) {
        return v;
      }
    }
    return null;
  }

  private static String numberReason(FieldSpec f, JsonNode value, String text) {
    Double number = value.isNumber() ? Double.valueOf(value.doubleValue()) : value.isTextual() ? parseDouble(text) : null;
    if (number == null) {
      return QuarantineReason.INVALID_TYPE.of(f.name());
    }
    if (number.isNaN() || number.isInfinite()) {
      return QuarantineReason.INVALID_NUMBER.of(f.name());
    }
    if ((f.min() != null && number < f.min()) || (f.max() != null && number > f.max())) {
      return QuarantineReason.OUT_OF_RANGE.of(f.name());
    }
    return null;
  }

  /** As Spark casts text to DOUBLE: trimmed, NaN and infinities by name in any case, else Java's syntax. */
  private static Double parseDouble(String text) {
    String t = text.strip();
    switch (t.toLowerCase(java.util.Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          return null;
        }
    }
  }

  /** ISO-8601 text to an instant, to the microsecond as Spark keeps it; null for a bare number or no fit. */
  static Instant timestamp(String text) {
    if (BARE_NUMBER.matcher(text).matches()) {
      return null;
    }
    Matcher m = ISO.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    try {
      String fraction = m.group(7) == null ? "" : m.group(7);
      int micros = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000").substring(0, 6));
      LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), number(m.group(2), 1),
          number(m.group(3), 1), number(m.group(4), 0), number(m.group(5), 0), number(m.group(6), 0), micros * 1000);
      String zone = m.group(8);
      ZoneOffset offset = zone == null || zone.equals("Z") || zone.equals("UTC") ? ZoneOffset.UTC : offset(zone);
      return local.toInstant(offset);
    } catch (java.time.DateTimeException | NumberFormatException e) {
      return null;
    }
  }

  private static ZoneOffset offset(String zone) {
    String digits = zone.substring(1).replace(":", "");
    int hours = Integer.parseInt(digits.length() <= 2 ? digits : digits.substring(0, digits.length() - 2));
    int minutes = digits.length() <= 2 ? 0 : Integer.parseInt(digits.substring(digits.length() - 2));
    int sign = zone.charAt(0) == '-' ? -1 : 1;
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }

  private static int number(String group, int absent) {
    return group == null ? absent : Integer.parseInt(group);
  }

  private static boolean utf8(byte[] payload) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
