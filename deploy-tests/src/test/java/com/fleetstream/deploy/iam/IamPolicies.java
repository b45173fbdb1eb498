package com.fleetstream.deploy.iam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fleetstream.rehearsal.terraform.Expressions;
import com.fleetstream.rehearsal.terraform.Terraform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The identity-based policies of one role, as the plan makes them (every {@code aws_iam_role_policy}
 * of any module whose {@code role} is the role's name), evaluated as IAM does for a request within one
 * account: an explicit Deny wins, else some Allow must match the action and the resource. Action
 * names compare case-insensitively, ARNs case-sensitively, {@code *} and {@code ?} are wildcards. A
 * statement with a Condition matches only when every key it tests is in the request's context and
 * holds a listed value (StringEquals / StringLike), so an unmodelled condition never allows.
 */
public final class IamPolicies {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String role;
  private final List<Map<String, Object>> statements;

  private IamPolicies(String role, List<Map<String, Object>> statements) {
    this.role = role;
    this.statements = statements;
  }

  /** The inline policies of the role {@code roleArn} (arn:aws:iam::<account>:role/<name>) names. */
  public static IamPolicies ofRoleArn(Terraform.Module root, String roleArn) {
    return ofRole(root, roleArn.substring(roleArn.indexOf(":role/") + ":role/".length()));
  }

  /** The inline policies of the role named {@code roleName}, from every module of the plan. */
  @SuppressWarnings("unchecked")
  public static IamPolicies ofRole(Terraform.Module root, String roleName) {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Terraform.Module m : root.withDescendants()) {
      for (Map<String, Terraform.Instance> byKey : m.resources("aws_iam_role_policy").values()) {
        for (Terraform.Instance policy : byKey.values()) {
          if (roleName.equals(Expressions.string(policy.argument("role")))) {
            try {
              Map<String, Object> doc = JSON.readValue(Expressions.string(policy.argument("policy")), Map.class);
              Object st = doc.get("Statement");
              statements.addAll(st instanceof List<?> l ? (List<Map<String, Object>>) l
                  : List.of((Map<String, Object>) st));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        }
      }
      if (!m.resources("aws_iam_role_policy_attachment").isEmpty()) {
        throw new IllegalStateException("managed policy attachments are not modelled (" + m.dir() + ")");
      }
    }
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("no inline policy of role " + roleName + " in the plan");
    }
    return new IamPolicies(roleName, statements);
  }

  /**
   * A resource's policy (a key policy, a topic policy): {@link #allowsService} evaluates what it
   * grants an AWS service principal.
   */
  @SuppressWarnings("unchecked")
  public static IamPolicies ofResource(String name, String policyJson) {
    try {
      Object st = JSON.readValue(policyJson, Map.class).get("Statement");
      return new IamPolicies(name, st instanceof List<?> l ? (List<Map<String, Object>>) l
          : List.of((Map<String, Object>) st));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether this resource policy lets the service principal (events.amazonaws.com) make the request. */
  @SuppressWarnings("unchecked")
  public boolean allowsService(String service, IamRequest request) {
    return allows(s -> s.get("Principal") instanceof Map<?, ?> p
        && values(((Map<String, Object>) p).get("Service")).contains(service), request);
  }

  public String role() {
    return role;
  }

  /** Every action the role's statements name (Allow or Deny). */
  public java.util.Set<String> actions() {
    java.util.Set<String> actions = new java.util.TreeSet<>();
    for (Map<String, Object> s : statements) {
      Object a = s.get("Action");
      if (a instanceof List<?> l) {
        l.forEach(x -> actions.add(String.valueOf(x)));
      } else if (a != null) {
        actions.add(String.valueOf(a));
      }
    }
    return actions;
  }

  /** Whether the role may make {@code request}. */
  public boolean allows(IamRequest request) {
    return allows(s -> true, request);
  }

  /** An explicit Deny wins, else some Allow must match, among the statements {@code applies} keeps. */
  private boolean allows(java.util.function.Predicate<Map<String, Object>> applies, IamRequest request) {
    boolean allowed = false;
    for (Map<String, Object> s : statements) {
      if (applies.test(s) && matches(s, request)) {
        if ("Deny".equals(s.get("Effect"))) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed;
  }

  private static boolean matches(Map<String, Object> s, IamRequest r) {
    boolean action = s.containsKey("Action") ? any(s.get("Action"), r.action(), true)
        : !any(s.get("NotAction"), r.action(), true);
    boolean resource = s.containsKey("Resource") ? any(s.get("Resource"), r.resource(), false)
        : !any(s.get("NotResource"), r.resource(), false);
    return action && resource && conditions(s.get("Condition"), r.context());
  }

  @SuppressWarnings("unchecked")
  private static boolean conditions(Object condition, Map<String, String> context) {
    if (condition == null) {
      return true;
    }
    for (Map.Entry<String, Object> test : ((Map<String, Object>) condition).entrySet()) {
      boolean like = test.getKey().equals("StringLike");
      if (!like && !test.getKey().equals("StringEquals")) {
        return false;
      }
      for (Map.Entry<String, Object> key : ((Map<String, Object>) test.getValue()).entrySet()) {
        String actual = context.get(key.getKey());
        if (actual == null || !any(key.getValue(), actual, false) && like
            || !like && !values(key.getValue()).contains(actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean any(Object patterns, String value, boolean ignoreCase) {
    for (String p : values(patterns)) {
      if (glob(p, ignoreCase).matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static List<String> values(Object v) {
    return v == null ? List.of() : v instanceof List<?> l ? (List<String>) l : List.of((String) v);
  }

  private static Pattern glob(String p, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    for (char c : p.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }
}
