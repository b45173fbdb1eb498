package com.fleetstream.events;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** One field of an event's JSON: its type, whether it must be there, and its allowed range. */
public record FieldSpec(String name, Type type, boolean required, Double min, Double max) {

  public enum Type { TEXT, NUMBER, TIMESTAMP }

  public static FieldSpec requiredString(String name) {
    return new FieldSpec(name, Type.TEXT, true, null, null);
  }

  public static FieldSpec optionalString(String name) {
    return new FieldSpec(name, Type.TEXT, false, null, null);
  }

  public static FieldSpec requiredTimestamp(String name) {
    return new FieldSpec(name, Type.TIMESTAMP, true, null, null);
  }

  public static FieldSpec requiredDouble(String name, Double min, Double max) {
    return new FieldSpec(name, Type.NUMBER, true, min, max);
  }

  public static FieldSpec optionalDouble(String name, Double min, Double max) {
    return new FieldSpec(name, Type.NUMBER, false, min, max);
  }

  /** The fields' names: those an input contract may map. */
  public static Set<String> names(List<FieldSpec> fields) {
    return fields.stream().map(FieldSpec::name).collect(Collectors.toUnmodifiableSet());
  }

  /** The text fields' names: those an input contract may give a constant. */
  public static Set<String> textNames(List<FieldSpec> fields) {
    return fields.stream().filter(f -> f.type() == Type.TEXT).map(FieldSpec::name)
        .collect(Collectors.toUnmodifiableSet());
  }
}
