package com.fleetstream.rehearsal.terraform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code data "aws_iam_policy_document"} as the provider renders it: IAM's JSON policy grammar. */
final class PolicyDocuments {
  private PolicyDocuments() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> evaluate(Map<String, Object> block, Expressions.Scope scope) {
    for (String unsupported : List.of("source_policy_documents", "override_policy_documents", "policy_id")) {
      if (block.containsKey(unsupported)) {
        throw new IllegalArgumentException(unsupported + " is not modelled");
      }
    }
    Map<String, Object> body = Blocks.body(block, scope);
    List<Object> statements = new ArrayList<>();
    for (Object raw : (List<Object>) body.getOrDefault("statement", List.of())) {
      Map<String, Object> s = (Map<String, Object>) raw;
      Map<String, Object> out = new LinkedHashMap<>();
      if (s.get("sid") != null) {
        out.put("Sid", s.get("sid"));
      }
      out.put("Effect", s.getOrDefault("effect", "Allow"));
      copy(s, "actions", out, "Action");
      copy(s, "not_actions", out, "NotAction");
      copy(s, "resources", out, "Resource");
      copy(s, "not_resources", out, "NotResource");
      principals(s, "principals", out, "Principal");
      principals(s, "not_principals", out, "NotPrincipal");
      if (s.get("condition") instanceof List<?> conditions) {
        Map<String, Map<String, Object>> c = new LinkedHashMap<>();
        for (Object o : conditions) {
          Map<String, Object> cond = (Map<String, Object>) o;
          c.computeIfAbsent((String) cond.get("test"), k -> new LinkedHashMap<>())
              .put((String) cond.get("variable"), cond.get("values"));
        }
        out.put("Condition", c);
      }
      statements.add(out);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Version", "2012-10-17");
    doc.put("Statement", statements);
    return doc;
  }

  private static void copy(Map<String, Object> s, String from, Map<String, Object> out, String to) {
    Object v = s.get(from);
    if (v != null) {
      out.put(to, v);
    }
  }

  @SuppressWarnings("unchecked")
  private static void principals(Map<String, Object> s, String from, Map<String, Object> out, String to) {
    if (s.get(from) instanceof List<?> list) {
      Map<String, List<Object>> p = new LinkedHashMap<>();
      for (Object o : list) {
        Map<String, Object> principal = (Map<String, Object>) o;
        p.computeIfAbsent((String) principal.get("type"), k -> new ArrayList<>())
            .addAll((List<Object>) principal.get("identifiers"));
      }
      out.put(to, p);
    }
  }
}
