package com.fleetstream.jobs.transform;

import static com.fleetstream.events.FieldSpec.optionalDouble;
import static com.fleetstream.events.FieldSpec.optionalString;
import static com.fleetstream.events.FieldSpec.requiredString;
import static com.fleetstream.events.FieldSpec.requiredTimestamp;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.fleetstream.events.FieldSpec;
import com.fleetstream.events.QuarantineReason;
import com.fleetstream.jobs.config.Thresholds;
import com.fleetstream.jobs.contract.InputContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Sensor readings: JSON payload to typed, validated columns, one row per reading. A record names its
 * metric and value ({@code "metric": "temperature", "value": 21.3}), or carries one or more metrics as
 * fields of their own ({@code "temperature": 21.3, "humidity": 40}: a per-metric stream's record, or a
 * wide one), each becoming a reading. {@code sensor_id} and {@code device_id} stand in for each other
 * when a record has only one of them.
 */
public final class SensorEvents {
  /** The metrics a record may carry as fields of their own, in the order a wide record's readings come out. */
  public static final List<String> METRIC_FIELDS = Thresholds.METRICS.stream().sorted().toList();
  public static final List<FieldSpec> FIELDS = fields();

  private SensorEvents() {}

  private static List<FieldSpec> fields() {
    List<FieldSpec> fields = new ArrayList<>(List.of(
        requiredString("sensor_id"),
        requiredString("device_id"),
        optionalString("vehicle_id"),
        optionalString("event_id"),
        requiredTimestamp("timestamp"),
        optionalString("metric"),
        optionalDouble("value", null, null),
        optionalString("unit"),
        optionalDouble("latitude", -90.0, 90.0),
        optionalDouble("longitude", -180.0, 180.0)));
    METRIC_FIELDS.forEach(m -> fields.add(optionalDouble(m, null, null)));
    return List.copyOf(fields);
  }

  /** With the built-in contract. */
  public static Dataset<Row> parse(Dataset<Row> records, Duration maxEventAge) {
    return parse(records, InputContract.builtIn(InputContract.RecordKind.SENSOR), maxEventAge);
  }

  /**
   * @param maxEventAge a reading taken further before its arrival is quarantined as {@code timestamp_too_old}
   */
  public static Dataset<Row> parse(Dataset<Row> records, InputContract contract, Duration maxEventAge) {
    Column wide = lit(false);
    for (String m : METRIC_FIELDS) {
      wide = wide.or(col(m).isNotNull());
    }
    Column named = col("metric").isNotNull();
    // a named metric's value may also come in the field of that name (a per-metric stream's constant metric)
    Column namedValue = coalesce(col("value"), metricField(col("metric")));
    List<EventValidation.Rule> rules = new ArrayList<>();
    rules.add(new EventValidation.Rule(not(named).and(not(wide)), QuarantineReason.MISSING_FIELD.of("metric")));
    rules.add(new EventValidation.Rule(not(col("metric").isin(Thresholds.METRICS.toArray())), QuarantineReason.UNKNOWN_METRIC.code()));
    rules.add(new EventValidation.Rule(named.and(namedValue.isNull()), QuarantineReason.MISSING_FIELD.of("value")));
    rules.addAll(TimestampRules.rules(maxEventAge));
    Dataset<Row> parsed = EventValidation.parse(records, FIELDS, Map.of(
            "sensor_id", names("device_id", contract), "device_id", names("sensor_id", contract)),
        contract, List.of("sensor_id", "device_id"), rules);

    // A quarantined record stays one row; only the generator looks at the reason, as more expressions
    // over it above the filters on it sent the planner's constraint propagation out of memory. A
    // record's metric fields are each an array of one reading or none, concatenated: a higher-order
    // filter() in the generator kept the stage from being compiled (-20% readings/s), and a filter
    // on the exploded rows sent constraint propagation out of memory with Spark's default settings.
    Column[] each = METRIC_FIELDS.stream().map(m -> {
      Column reading = array(struct(lit(m).as("metric"), col(m).as("value"), lit(true).as("wide")));
      return when(col(m).isNotNull(), reading).otherwise(slice(reading, 1, 0));
    }).toArray(Column[]::new);
    Column readings = when(col(EventValidation.REASON).isNotNull().or(named),
        array(struct(col("metric").as("metric"), namedValue.as("value"), lit(false).as("wide"))))
        .otherwise(concat(each));
    Dataset<Row> exploded = parsed
        .withColumn("_reading", explode(readings))
        .withColumn("metric", col("_reading.metric"))
        .withColumn("value", col("_reading.value"))
        // one record's readings share its event id: each takes its metric too
        .withColumn("event_id", when(col("_reading.wide").and(col("event_id").isNotNull()),
            concat(col("event_id"), lit(":"), col("metric"))).otherwise(col("event_id")))
        .drop(METRIC_FIELDS.toArray(String[]::new))
        .drop("_reading")
        .withColumnRenamed("timestamp", "event_time");
    return EventIds.complete(exploded, contract, List.of("sensor_id", "metric"), List.of("value"));
  }

  /** A field's name and the contract's other names for it. */
  private static List<String> names(String field, InputContract contract) {
    List<String> names = new ArrayList<>(List.of(field));
    names.addAll(contract.aliasesOf(field));
    return names;
  }

  /** The value of the metric field that {@code metric} names. */
  private static Column metricField(Column metric) {
    Column value = lit(null).cast("double");
    for (String m : METRIC_FIELDS) {
      value = when(metric.equalTo(m), col(m)).otherwise(value);
    }
    return value;
  }
}
