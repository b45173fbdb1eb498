package com.fleetstream.rehearsal.terraform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A resource's nested blocks as hcl2json writes them (lists of bodies), dynamic blocks expanded. */
final class Blocks {
  private Blocks() {}

  /** An argument's value, or a nested block's list of evaluated bodies. */
  @SuppressWarnings("unchecked")
  static Object evaluate(Object raw, Expressions.Scope scope) {
    if (raw instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(e -> e instanceof Map<?, ?>)) {
      List<Object> out = new ArrayList<>();
      for (Object body : l) {
        out.add(body((Map<String, Object>) body, scope));
      }
      return out;
    }
    return Expressions.value(raw, scope);
  }

  static Map<String, Object> body(Map<String, Object> body, Expressions.Scope scope) {
    Map<String, Object> out = new TreeMap<>();
    body.forEach((k, v) -> {
      if (!k.equals("dynamic")) {
        out.put(k, evaluate(v, scope));
      }
    });
    dynamicLabels(body).forEach(label -> out.put(label, concat(out.get(label), dynamic(body, label, scope))));
    return out;
  }

  /** The blocks of a type written out ({@code written}, null if none) followed by the generated ones. */
  @SuppressWarnings("unchecked")
  static List<Object> concat(Object written, List<Object> generated) {
    List<Object> all = new ArrayList<>();
    if (written instanceof List<?> l) {
      all.addAll((List<Object>) l);
    }
    all.addAll(generated);
    return all;
  }

  @SuppressWarnings("unchecked")
  private static List<String> dynamicLabels(Map<String, Object> body) {
    Object d = body.get("dynamic");
    return d instanceof Map<?, ?> m ? new ArrayList<>((java.util.Set<String>) m.keySet()) : List.of();
  }

  static boolean hasDynamic(Map<String, Object> body, String label) {
    return dynamicLabels(body).contains(label);
  }

  /** {@code dynamic "label" { for_each = ...; iterator = ...; content { ... } }}: one body per item. */
  @SuppressWarnings("unchecked")
  static List<Object> dynamic(Map<String, Object> body, String label, Expressions.Scope scope) {
    Map<String, Object> d = ((List<Map<String, Object>>) ((Map<String, Object>) body.get("dynamic")).get(label)).get(0);
    Object each = Expressions.value(d.get("for_each"), scope);
    String iterator = d.containsKey("iterator") ? (String) Expressions.value(d.get("iterator"), scope) : label;
    Map<String, Object> content = ((List<Map<String, Object>>) d.get("content")).get(0);
    List<Object> out = new ArrayList<>();
    if (each instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.add(body(content,
          new Expressions.Overlay(scope, Map.of(iterator, item(k, v))))));
    } else if (each != null) {
      List<Object> items = (List<Object>) each;
      for (int i = 0; i < items.size(); i++) {
        out.add(body(content, new Expressions.Overlay(scope, Map.of(iterator, item(new java.math.BigDecimal(i),
            items.get(i))))));
      }
    }
    return out;
  }

  private static Map<String, Object> item(Object key, Object value) {
    Map<String, Object> m = new TreeMap<>();
    m.put("key", key);
    m.put("value", value);
    return m;
  }
}
