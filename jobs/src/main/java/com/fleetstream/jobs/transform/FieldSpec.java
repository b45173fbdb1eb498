package com.fleetstream.jobs.transform;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** One field of an event's JSON: its type, whether it must be there, and its allowed range. */
public record FieldSpec(String name, DataType type, boolean required, Double min, Double max) {

  public static FieldSpec requiredString(String name) {
    return new FieldSpec(name, DataTypes.StringType, true, null, null);
  }

  public static FieldSpec optionalString(String name) {
    return new FieldSpec(name, DataTypes.StringType, false, null, null);
  }

  public static FieldSpec requiredTimestamp(String name) {
    return new FieldSpec(name, DataTypes.TimestampType, true, null, null);
  }

  public static FieldSpec requiredDouble(String name, Double min, Double max) {
    return new FieldSpec(name, DataTypes.DoubleType, true, min, max);
  }

  public static FieldSpec optionalDouble(String name, Double min, Double max) {
    return new FieldSpec(name, DataTypes.DoubleType, false, min, max);
  }

  /** The fields' names: those an input contract may map. */
  public static Set<String> names(List<FieldSpec> fields) {
    return fields.stream().map(FieldSpec::name).collect(Collectors.toUnmodifiableSet());
  }

  /** The text fields' names: those an input contract may give a constant. */
  public static Set<String> textNames(List<FieldSpec> fields) {
    return fields.stream().filter(f -> f.type() == DataTypes.StringType).map(FieldSpec::name)
        .collect(Collectors.toUnmodifiableSet());
  }
}
