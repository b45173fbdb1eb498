package com.fleetstream.jobs.transform;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.events.EventLimits;
import com.fleetstream.events.FieldSpec;
import com.fleetstream.events.QuarantineReason;
import com.fleetstream.jobs.contract.InputContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Parses JSON payloads against field specs and names the first thing wrong with each record in
 * {@code quarantine_reason} (null when the record is valid).
 *
 * <p>A record the typed read rejects is read again with every field as text and then cast, so a
 * record with a wrong type is told apart from one with a missing field; NaN or Infinity never pass
 * as numbers either way.
 */
public final class EventValidation {
  public static final String REASON = "quarantine_reason";
  /** Set on events whose record had no timestamp and took its Kinesis arrival time (a contract's opt-in). */
  public static final String ARRIVAL_TIME_FLAG = "event_time_from_arrival";
  private static final String CORRUPT = "_corrupt_record";
  private static final Map<String, String> PERMISSIVE =
      Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT);

  /** A failure condition and the reason it gives. */
  public record Rule(Column failsWhen, String reason) {}

  private EventValidation() {}

  /**
   * Adds one typed column per field, {@code event_time_from_arrival} and {@code quarantine_reason}.
   *
   * @param names per field, other JSON names the product itself accepts for it, after the contract's
   * @param entityFields the fields that take the record's partition key when the contract says so
   */
  public static Dataset<Row> parse(Dataset<Row> records, List<FieldSpec> fields, Map<String, List<String>> names,
      InputContract contract, List<String> entityFields, List<Rule> extraRules) {
    Map<String, List<String>> all = new LinkedHashMap<>();
    for (FieldSpec f : fields) {
      Set<String> n = new LinkedHashSet<>();
      n.add(f.name());
      n.addAll(contract.aliasesOf(f.name()));
      n.addAll(names.getOrDefault(f.name(), List.of()));
      all.put(f.name(), List.copyOf(n));
    }
    // Most records are well-formed: read them once with their fields' own types. Reading a number
    // as text makes the JSON parser write it back out and the cast parse it again, the costliest part
    // of validation.
    StructType typed = schema(fields, all, false);
    Dataset<Row> parsed = records.withColumn("_typed", explodeOne(from_json(col("payload"), typed, PERMISSIVE)));
    Column clean = col("_typed").isNotNull().and(col("_typed." + CORRUPT).isNull());
    parsed = parsed.withColumn("_clean", clean)
        .withColumn("_text", explodeOne(
            when(not(col("_clean")), from_json(col("payload"), schema(fields, all, true), PERMISSIVE))));
    List<Rule> rules = new ArrayList<>();
    rules.add(new Rule(instr(col("payload"), KinesisRecords.REPLACEMENT).gt(0),
        QuarantineReason.INVALID_UTF8.code()));
    rules.add(new Rule(octet_length(col("payload")).gt(EventLimits.MAX_PAYLOAD_BYTES),
        QuarantineReason.PAYLOAD_TOO_LARGE.code()));
    rules.add(new Rule(not(col("_clean")).and(col("_text").isNull().or(col("_text." + CORRUPT).isNotNull())),
        QuarantineReason.MALFORMED_JSON.code()));
    parsed = parsed.withColumn(ARRIVAL_TIME_FLAG, lit(false));
    for (FieldSpec f : fields) {
      String rawName = "_raw_" + f.name();
      String blankName = "_blank_" + f.name();
      List<String> fieldNames = all.get(f.name());
      Column typedValue = field("_typed", fieldNames);
      Column text = field("_text", fieldNames);
      if (f.type() == FieldSpec.Type.NUMBER) {
        // a clean typed read has no text to look at: its number is there or it is null
        parsed = parsed.withColumn(rawName, text)
            .withColumn(blankName, when(col("_clean"), typedValue.isNull()).otherwise(blank(col(rawName))))
            .withColumn(f.name(), when(col("_clean"), typedValue).otherwise(tryCast(rawName, DataTypes.DoubleType)));
        if (!contract.numbersAsText()) {
          rules.add(new Rule(not(col("_clean")).and(col("payload").rlike(quotedValue(fieldNames))),
              QuarantineReason.INVALID_TYPE.of(f.name())));
        }
      } else {
        Column raw = when(col("_clean"), typedValue).otherwise(text);
        Column fallback = fallback(f.name(), contract, entityFields);
        if (fallback != null) {
          raw = when(blank(raw), fallback).otherwise(raw);
        }
        parsed = parsed.withColumn(rawName, raw).withColumn(blankName, blank(col(rawName)));
        if (f.type() == FieldSpec.Type.TIMESTAMP) {
          Column time = Timestamps.parse(rawName, contract.timestampFormats());
          if (contract.eventTimeFromArrival()) {
            // no longer missing once it takes the arrival time; each column is bound as it is added
            parsed = parsed.withColumn(f.name(), when(col(blankName), col("arrival_time")).otherwise(time))
                .withColumn(ARRIVAL_TIME_FLAG, col(blankName))
                .withColumn(blankName, lit(false));
          } else {
            parsed = parsed.withColumn(f.name(), time);
          }
        } else {
          parsed = parsed.withColumn(f.name(), col(rawName));
        }
      }
      rules.addAll(fieldRules(f, col(blankName), col(rawName), col(f.name())));
    }
    rules.addAll(extraRules);
    Column reason = lit(null).cast(DataTypes.StringType);
    for (int i = rules.size() - 1; i >= 0; i--) {
      reason = when(rules.get(i).failsWhen(), lit(rules.get(i).reason())).otherwise(reason);
    }
    // Only a quarantined record keeps its raw text. Events have typed columns; the text would
    // otherwise ride through the deduplication shuffle and the batch cache for nothing.
    parsed = parsed.withColumn(REASON, reason).drop("_typed", "_clean", "_text")
        .withColumn("payload", when(col(REASON).isNotNull(), col("payload")));
    for (FieldSpec f : fields) {
      parsed = parsed.drop("_raw_" + f.name(), "_blank_" + f.name());
    }
    return parsed;
  }

  /** Where a text field missing from the record comes from instead, if anywhere: a constant, the partition key. */
  private static Column fallback(String field, InputContract contract, List<String> entityFields) {
    String constant = contract.constants().get(field);
    if (constant != null) {
      return lit(constant);
    }
    return contract.entityIdFromPartitionKey() && entityFields.contains(field) ? col("partition_key") : null;
  }

  /** A JSON string as the value of any of these keys: {@code "speed_kmh": "12.5"}. */
  private static String quotedValue(List<String> names) {
    return "\"(" + String.join("|", names.stream().map(Pattern::quote).toList()) + ")\"\\s*:\\s*\"";
  }

  /** The fields with their own types, or all as text; timestamps are always text, parsed by {@link Timestamps}. */
  private static StructType schema(List<FieldSpec> fields, Map<String, List<String>> names, boolean allText) {
    StructType schema = new StructType();
    Set<String> added = new LinkedHashSet<>();
    for (FieldSpec f : fields) {
      DataType type = allText || f.type() != FieldSpec.Type.NUMBER ? DataTypes.StringType : DataTypes.DoubleType;
      for (String name : names.get(f.name())) {
        if (added.add(name)) {
          schema = schema.add(name, type);
        }
      }
    }
    return schema.add(CORRUPT, DataTypes.StringType);
  }

  private static Column field(String struct, List<String> names) {
    if (names.size() == 1) {
      return col(struct + ".`" + names.get(0) + "`");
    }
    return coalesce(
        names.stream().map(n -> col(struct + ".`" + n + "`")).toArray(Column[]::new));
  }

  /**
   * The one-element explode is a barrier: without it, a filter on the reason (valid(), invalid())
   * is pushed below this projection with the reason's whole expression inlined, and from_json ran
   * once per field reference, 217 times a record (15x slower).
   */
  private static Column explodeOne(Column value) {
    return explode(array(value));
  }

  private static Column blank(Column text) {
    return text.isNull().or(trim(text).equalTo(""));
  }

  private static Column tryCast(String column, DataType type) {
    return expr("try_cast(`" + column + "` AS " + type.sql() + ")");
  }

  private static List<Rule> fieldRules(FieldSpec f, Column blank, Column raw, Column typed) {
    List<Rule> rules = new ArrayList<>();
    if (f.required()) {
      rules.add(new Rule(blank, QuarantineReason.MISSING_FIELD.of(f.name())));
    }
    rules.add(new Rule(not(blank).and(typed.isNull()), QuarantineReason.INVALID_TYPE.of(f.name())));
    if (f.type() == FieldSpec.Type.TEXT) {
      // a JSON object or array where text belongs reaches here as its JSON text
      rules.add(new Rule(raw.rlike("^\\s*[\\[{]"), QuarantineReason.INVALID_TYPE.of(f.name())));
      rules.add(new Rule(length(raw).gt(EventLimits.MAX_TEXT_CHARS), QuarantineReason.TOO_LONG.of(f.name())));
    }
    if (f.type() == FieldSpec.Type.NUMBER) {
      Column notFinite = isnan(typed)
          .or(typed.equalTo(Double.POSITIVE_INFINITY)).or(typed.equalTo(Double.NEGATIVE_INFINITY));
      rules.add(new Rule(typed.isNotNull().and(notFinite), QuarantineReason.INVALID_NUMBER.of(f.name())));
      Column outside = lit(false);
      if (f.min() != null) {
        outside = outside.or(typed.lt(f.min()));
      }
      if (f.max() != null) {
        outside = outside.or(typed.gt(f.max()));
      }
      rules.add(new Rule(typed.isNotNull().and(outside), QuarantineReason.OUT_OF_RANGE.of(f.name())));
    }
    return rules;
  }

  public static Dataset<Row> valid(Dataset<Row> validated) {
    return validated.filter(col(REASON).isNull()).drop(REASON);
  }

  public static Dataset<Row> invalid(Dataset<Row> validated) {
    return validated.filter(col(REASON).isNotNull());
  }
}
