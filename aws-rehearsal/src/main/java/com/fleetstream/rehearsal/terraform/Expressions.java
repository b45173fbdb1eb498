package com.fleetstream.rehearsal.terraform;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Terraform's expression language, as far as {@code terraform/} uses it: templates, references,
 * index and attribute access, splats, for expressions, conditionals, operators and the functions
 * listed in {@link #call}. Values are plain Java: String, BigDecimal, Boolean, null, List and
 * (key-sorted, as Terraform iterates them) TreeMap. A function or reference this does not know fails
 * the test that meets it, naming it: no expression is ever guessed.
 */
public final class Expressions {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Resolves a reference's first name ({@code var}, {@code local}, {@code aws_iam_role}, ...). */
  public interface Scope {
    Object root(String name);

    /** The directory {@code file()} and {@code path.module} resolve against. */
    Path moduleDir();
  }

  private Expressions() {}

  /** A hcl2json value: a string may hold a template; lists and maps are evaluated element-wise. */
  public static Object value(Object raw, Scope scope) {
    if (raw instanceof String s) {
      return template(s, scope);
    }
    if (raw instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(e -> out.add(value(e, scope)));
      return out;
    }
    if (raw instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, v) -> out.put((String) k, value(v, scope)));
      return out;
    }
    return raw instanceof Number n ? new BigDecimal(n.toString()) : raw;
  }

  /** {@code "a ${x} b"}; a template that is one interpolation alone keeps the value's own type. */
  public static Object template(String text, Scope scope) {
    List<Object> parts = new ArrayList<>();
    int i = 0;
    StringBuilder literal = new StringBuilder();
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        literal.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = closing(text, i + 2);
        if (!literal.isEmpty()) {
          parts.add(literal.toString());
          literal.setLength(0);
        }
        parts.add(new Parser(text.substring(i + 2, end), scope).parseAll());
        i = end + 1;
      } else if (text.startsWith("%{", i)) {
        throw new IllegalArgumentException("template directives are not supported: " + text);
      } else {
        literal.append(text.charAt(i++));
      }
    }
    if (!literal.isEmpty()) {
      parts.add(literal.toString());
    }
    if (parts.size() == 1 && text.startsWith("${") && text.endsWith("}")) {
      return parts.get(0);
    }
    StringBuilder s = new StringBuilder();
    for (Object p : parts) {
      s.append(p instanceof String str ? str : string(p));
    }
    return s.toString();
  }

  /** The index of the brace closing an interpolation opened before {@code from}, past nested strings. */
  private static int closing(String s, int from) {
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        i = stringEnd(s, i);
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (depth-- == 0) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException("unclosed ${ in " + s);
  }

  private static int stringEnd(String s, int open) {
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
        i = closing(s, i + 2);
      } else if (c == '"') {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed string in " + s);
  }

  public static String string(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    throw new IllegalArgumentException("not a string: " + v);
  }

  public static boolean truthy(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw new IllegalArgumentException("not a bool: " + v);
  }

  @SuppressWarnings("unchecked")
  static Object call(String name, List<Object> args, Scope scope) {
    return switch (name) {
      case "merge" -> {
        Map<String, Object> out = new TreeMap<>();
        args.forEach(a -> out.putAll((Map<String, Object>) a));
        yield out;
      }
      case "concat" -> {
        List<Object> out = new ArrayList<>();
        args.forEach(a -> out.addAll((Collection<Object>) a));
        yield out;
      }
      case "flatten" -> flatten((Collection<Object>) args.get(0));
      case "compact" -> new ArrayList<Object>(((Collection<Object>) args.get(0)).stream()
          .filter(e -> e != null && !"".equals(e)).toList());
      case "strcontains" -> string(args.get(0)).contains(string(args.get(1)));
      case "values" -> new ArrayList<>(((Map<String, Object>) args.get(0)).values());
      case "keys" -> new ArrayList<>(((Map<String, Object>) args.get(0)).keySet());
      case "length" -> new BigDecimal(args.get(0) instanceof String s ? s.length()
          : args.get(0) instanceof Map<?, ?> m ? m.size() : ((Collection<?>) args.get(0)).size());
      case "contains" -> ((Collection<Object>) args.get(0)).stream().anyMatch(e -> same(e, args.get(1)));
      case "alltrue" -> ((Collection<Object>) args.get(0)).stream().allMatch(Expressions::truthy);
      case "anytrue" -> ((Collection<Object>) args.get(0)).stream().anyMatch(Expressions::truthy);
      case "toset" -> new ArrayList<Object>(new java.util.TreeSet<>(
          ((Collection<Object>) args.get(0)).stream().map(Expressions::string).toList()));
      case "tolist" -> new ArrayList<>((Collection<Object>) args.get(0));
      case "tomap" -> new TreeMap<>((Map<String, Object>) args.get(0));
      case "tostring" -> string(args.get(0));
      case "tonumber" -> new BigDecimal(string(args.get(0)));
      case "lookup" -> ((Map<String, Object>) args.get(0)).getOrDefault(string(args.get(1)),
          args.size() > 2 ? args.get(2) : null);
      case "coalesce" -> args.stream().filter(a -> a != null && !"".equals(a)).findFirst().orElseThrow();
      case "join" -> String.join(string(args.get(0)),
          ((Collection<Object>) args.get(1)).stream().map(Expressions::string).toList());
      case "format" -> String.format(string(args.get(0)).replace("%v", "%s").replace("%d", "%s"),
          args.subList(1, args.size()).stream().map(Expressions::string).toArray());
      case "lower" -> string(args.get(0)).toLowerCase();
      case "split" -> new ArrayList<Object>(List.of(string(args.get(1)).split(
          java.util.regex.Pattern.quote(string(args.get(0))), -1)));
      case "reverse" -> {
        List<Object> out = new ArrayList<>((Collection<Object>) args.get(0));
        java.util.Collections.reverse(out);
        yield out;
      }
      case "element" -> {
        List<Object> l = (List<Object>) args.get(0);
        yield l.get(Math.floorMod(new BigDecimal(string(args.get(1))).intValueExact(), l.size()));
      }
      case "trimsuffix" -> {
        String v = string(args.get(0));
        String suffix = string(args.get(1));
        yield v.endsWith(suffix) ? v.substring(0, v.length() - suffix.length()) : v;
      }
      case "trimprefix" -> {
        String v = string(args.get(0));
        String prefix = string(args.get(1));
        yield v.startsWith(prefix) ? v.substring(prefix.length()) : v;
      }
      case "endswith" -> string(args.get(0)).endsWith(string(args.get(1)));
      case "startswith" -> string(args.get(0)).startsWith(string(args.get(1)));
      case "upper" -> string(args.get(0)).toUpperCase();
      case "replace" -> string(args.get(0)).replace(string(args.get(1)), string(args.get(2)));
      case "regex" -> {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(string(args.get(0))).matcher(string(args.get(1)));
        if (!m.find()) {
          throw new IllegalArgumentException("regex " + args.get(0) + " does not match " + args.get(1));
        }
        yield m.group();
      }
      case "jsonencode" -> json(args.get(0));
      case "jsondecode" -> fromJson(string(args.get(0)));
      case "file" -> {
        try {
          yield Files.readString(scope.moduleDir().resolve(string(args.get(0))));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case "filebase64sha256" -> {
        try {
          yield java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
              .digest(Files.readAllBytes(scope.moduleDir().resolve(string(args.get(0))))));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
      case "floor" -> new BigDecimal(string(args.get(0))).setScale(0, java.math.RoundingMode.FLOOR);
      case "ceil" -> new BigDecimal(string(args.get(0))).setScale(0, java.math.RoundingMode.CEILING);
      case "min", "max" -> args.stream().map(a -> new BigDecimal(string(a)))
          .reduce(name.equals("min") ? BigDecimal::min : BigDecimal::max).orElseThrow();
      case "cidrnetmask" -> {
        String[] cidr = string(args.get(0)).split("/");
        if (cidr.length != 2 || !cidr[0].matches("(\\d{1,3}\\.){3}\\d{1,3}") || !cidr[1].matches("\\d{1,2}")
            || Integer.parseInt(cidr[1]) > 32) {
          throw new IllegalArgumentException("not an IPv4 CIDR: " + args.get(0));
        }
        long mask = Integer.parseInt(cidr[1]) == 0 ? 0 : (0xFFFFFFFFL << (32 - Integer.parseInt(cidr[1]))) & 0xFFFFFFFFL;
        yield (mask >> 24) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
      }
      default -> throw new IllegalArgumentException("function " + name + "() is not supported");
    };
  }

  @SuppressWarnings("unchecked")
  private static List<Object> flatten(Collection<Object> list) {
    List<Object> out = new ArrayList<>();
    for (Object e : list) {
      if (e instanceof Collection<?> c) {
        out.addAll(flatten((Collection<Object>) c));
      } else {
        out.add(e);
      }
    }
    return out;
  }

  static boolean same(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    return Objects.equals(a, b);
  }

  public static String json(Object v) {
    try {
      return JSON.writeValueAsString(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Object fromJson(String text) {
    try {
      return value(JSON.readValue(text, Object.class), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Recursive descent over one expression, evaluating as it parses; skipped branches are parsed only. */
  private static final class Parser {
    private final String s;
    private final Scope scope;
    private int pos;
    /** Inside a branch not taken (or a for body being skipped): parse, do not evaluate. */
    private boolean skipping;
    private final Map<String, Object> locals = new LinkedHashMap<>();

    Parser(String s, Scope scope) {
      this.s = s;
      this.scope = scope;
    }

    Object parseAll() {
      Object v = expr();
      ws();
      if (pos != s.length()) {
        throw error("unexpected text");
      }
      return v;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at " + pos + " in: " + s);
    }

    private void ws() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isWhitespace(c)) {
          pos++;
        } else if (s.startsWith("#", pos) || s.startsWith("//", pos)) {
          while (pos < s.length() && s.charAt(pos) != '\n') {
            pos++;
          }
        } else {
          return;
        }
      }
    }

    private boolean eat(String token) {
      ws();
      if (s.startsWith(token, pos)) {
        boolean word = Character.isLetter(token.charAt(0));
        int end = pos + token.length();
        if (word && end < s.length() && isIdent(s.charAt(end))) {
          return false;
        }
        pos = end;
        return true;
      }
      return false;
    }

    private void expect(String token) {
      if (!eat(token)) {
        throw error("expected '" + token + "'");
      }
    }

    private static boolean isIdent(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    private String ident() {
      ws();
      int start = pos;
      while (pos < s.length() && isIdent(s.charAt(pos))) {
        pos++;
      }
      if (start == pos || !Character.isLetter(s.charAt(start)) && s.charAt(start) != '_') {
        throw error("expected a name");
      }
      return s.substring(start, pos);
    }

    Object expr() {
      Object cond = or();
      if (eat("?")) {
        boolean was = skipping;
        boolean take = !skipping && truthy(cond);
        skipping = was || !take;
        Object a = expr();
        expect(":");
        skipping = was || take;
        Object b = expr();
        skipping = was;
        return skipping ? null : take ? a : b;
      }
      return cond;
    }

    private Object or() {
      Object v = and();
      while (eat("||")) {
        Object r = and();
        v = skipping ? null : truthy(v) || truthy(r);
      }
      return v;
    }

    private Object and() {
      Object v = equality();
      while (eat("&&")) {
        Object r = equality();
        v = skipping ? null : truthy(v) && truthy(r);
      }
      return v;
    }

    private Object equality() {
      Object v = comparison();
      while (true) {
        if (eat("==")) {
          Object r = comparison();
          v = skipping ? null : same(v, r);
        } else if (eat("!=")) {
          Object r = comparison();
          v = skipping ? null : !same(v, r);
        } else {
          return v;
        }
      }
    }

    private Object comparison() {
      Object v = additive();
      while (true) {
        String op = eat("<=") ? "<=" : eat(">=") ? ">=" : eat("<") ? "<" : eat(">") ? ">" : null;
        if (op == null) {
          return v;
        }
        Object r = additive();
        if (!skipping) {
          int c = number(v).compareTo(number(r));
          v = switch (op) {
            case "<=" -> c <= 0;
            case ">=" -> c >= 0;
            case "<" -> c < 0;
            default -> c > 0;
          };
        }
      }
    }

    private Object additive() {
      Object v = multiplicative();
      while (true) {
        ws();
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          char op = s.charAt(pos++);
          Object r = multiplicative();
          v = skipping ? null : op == '+' ? number(v).add(number(r)) : number(v).subtract(number(r));
        } else {
          return v;
        }
      }
    }

    private Object multiplicative() {
      Object v = unary();
      while (true) {
        ws();
        if (pos < s.length() && "*/%".indexOf(s.charAt(pos)) >= 0 && !s.startsWith("*]", pos)) {
          char op = s.charAt(pos++);
          Object r = unary();
          if (!skipping) {
            v = switch (op) {
              case '*' -> number(v).multiply(number(r));
              case '/' -> number(v).divide(number(r), java.math.MathContext.DECIMAL64);
              default -> number(v).remainder(number(r));
            };
          }
        } else {
          return v;
        }
      }
    }

    private BigDecimal number(Object v) {
      return v instanceof BigDecimal d ? d : new BigDecimal(string(v));
    }

    private Object unary() {
      if (eat("!")) {
        Object v = unary();
        return skipping ? null : !truthy(v);
      }
      ws();
      if (s.startsWith("-", pos)) {
        pos++;
        Object v = unary();
        return skipping ? null : number(v).negate();
      }
      return postfix(primary());
    }

    @SuppressWarnings("unchecked")
    private Object postfix(Object v) {
      while (true) {
        ws();
        if (s.startsWith("[*]", pos) || s.startsWith(".*", pos)) {
          pos += s.startsWith("[*]", pos) ? 3 : 2;
          int mark = pos;
          List<Object> items = skipping ? List.of() : v == null ? List.of()
              : v instanceof List<?> l ? (List<Object>) l : List.of(v);
          List<Object> out = new ArrayList<>();
          int end = mark;
          for (Object item : items.isEmpty() ? List.of((Object) null) : items) {
            pos = mark;
            boolean was = skipping;
            skipping = was || item == null && items.isEmpty();
            Object r = splatTail(item);
            skipping = was;
            if (!items.isEmpty()) {
              out.add(r);
            }
            end = pos;
          }
          pos = end;
          return skipping ? null : out;
        }
        if (eat("[")) {
          Object key = expr();
          expect("]");
          v = skipping ? null : index(v, key);
        } else if (s.startsWith(".", pos) && pos + 1 < s.length() && Character.isLetter(s.charAt(pos + 1))) {
          pos++;
          String attr = ident();
          v = skipping ? null : attribute(v, attr);
        } else {
          return v;
        }
      }
    }

    /** After a splat: the attribute and index accesses that apply to each element. */
    private Object splatTail(Object item) {
      Object v = item;
      while (true) {
        ws();
        if (s.startsWith(".", pos) && pos + 1 < s.length() && Character.isLetter(s.charAt(pos + 1))) {
          pos++;
          String attr = ident();
          v = skipping ? null : attribute(v, attr);
        } else if (s.startsWith("[", pos) && !s.startsWith("[*]", pos)) {
          pos++;
          Object key = expr();
          expect("]");
          v = skipping ? null : index(v, key);
        } else {
          return v;
        }
      }
    }

    private Object index(Object v, Object key) {
      if (v instanceof Map<?, ?> m) {
        String k = string(key);
        if (!m.containsKey(k)) {
          throw error("no key \"" + k + "\" among " + m.keySet());
        }
        return m.get(k);
      }
      if (v instanceof List<?> l) {
        return l.get(number(key).intValueExact());
      }
      throw error("cannot index " + v);
    }

    private Object attribute(Object v, String attr) {
      if (v instanceof Reference r) {
        return r.get(attr);
      }
      if (v instanceof Map<?, ?> m) {
        if (!m.containsKey(attr)) {
          throw error("no attribute " + attr + " among " + m.keySet());
        }
        return m.get(attr);
      }
      throw error("cannot read ." + attr + " of " + v);
    }

    private Object primary() {
      ws();
      if (pos >= s.length()) {
        throw error("expression ends early");
      }
      char c = s.charAt(pos);
      if (c == '(') {
        pos++;
        Object v = expr();
        expect(")");
        return v;
      }
      if (c == '"') {
        int end = stringEnd(s, pos);
        String body = s.substring(pos + 1, end);
        pos = end + 1;
        return skipping ? null : template(unescape(body), withLocals());
      }
      if (Character.isDigit(c)) {
        int start = pos;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
          pos++;
        }
        return new BigDecimal(s.substring(start, pos));
      }
      if (c == '[') {
        pos++;
        if (eat("for")) {
          return forExpression(false);
        }
        List<Object> list = new ArrayList<>();
        while (!eat("]")) {
          list.add(expr());
          eat(",");
        }
        return skipping ? null : list;
      }
      if (c == '{') {
        pos++;
        if (eat("for")) {
          return forExpression(true);
        }
        Map<String, Object> map = new TreeMap<>();
        while (!eat("}")) {
          ws();
          Object key;
          if (s.charAt(pos) == '"' || s.charAt(pos) == '(') {
            key = primary();
          } else {
            key = ident();
          }
          if (!eat("=")) {
            expect(":");
          }
          Object value = expr();
          if (!skipping) {
            map.put(string(key), value);
          }
          eat(",");
        }
        return skipping ? null : map;
      }
      String name = ident();
      switch (name) {
        case "true":
          return Boolean.TRUE;
        case "false":
          return Boolean.FALSE;
        case "null":
          return null;
        default:
          break;
      }
      if ((name.equals("can") || name.equals("try")) && eat("(")) {
        return guarded(name);
      }
      if (eat("(")) {
        List<Object> args = new ArrayList<>();
        while (!eat(")")) {
          args.add(expr());
          if (eat("...")) {
            throw error("argument expansion is not supported");
          }
          eat(",");
        }
        return skipping ? null : call(name, args, scope);
      }
      if (skipping) {
        return null;
      }
      if (locals.containsKey(name)) {
        return locals.get(name);
      }
      return scope.root(name);
    }

    /** The scope a nested template sees: a for expression's names, then the enclosing scope. */
    private Scope withLocals() {
      if (locals.isEmpty()) {
        return scope;
      }
      return new Overlay(scope, new LinkedHashMap<>(locals));
    }

    /** {@code can(x)}: whether x evaluates; {@code try(a, b, ...)}: the first that does. */
    private Object guarded(String name) {
      Object result = null;
      boolean found = false;
      boolean was = skipping;
      while (!eat(")")) {
        int start = pos;
        if (!found && !was) {
          try {
            result = expr();
            found = true;
          } catch (RuntimeException e) {
            pos = start;
            skipping = true;
            expr();
            skipping = was;
          }
        } else {
          skipping = true;
          expr();
          skipping = was;
        }
        eat(",");
      }
      if (was) {
        return null;
      }
      if (name.equals("can")) {
        return found;
      }
      if (!found) {
        throw error("no argument of try() evaluates");
      }
      return result;
    }

    @SuppressWarnings("unchecked")
    private Object forExpression(boolean object) {
      String first = ident();
      String second = eat(",") ? ident() : null;
      expect("in");
      Object collection = expr();
      expect(":");
      int bodyStart = pos;
      List<Map.Entry<Object, Object>> items = new ArrayList<>();
      if (!skipping) {
        if (collection instanceof Map<?, ?> m) {
          m.forEach((k, v) -> items.add(Map.entry(k, v == null ? NULL : v)));
        } else {
          List<Object> l = (List<Object>) collection;
          for (int i = 0; i < l.size(); i++) {
            items.add(Map.entry(new BigDecimal(i), l.get(i) == null ? NULL : l.get(i)));
          }
        }
      }
      List<Object> list = new ArrayList<>();
      Map<String, Object> map = new TreeMap<>();
      boolean was = skipping;
      int end = -1;
      for (Map.Entry<Object, Object> item : items.isEmpty() ? List.of(Map.entry((Object) NULL, (Object) NULL)) : items) {
        pos = bodyStart;
        skipping = was || items.isEmpty();
        Object value = item.getValue() == NULL ? null : item.getValue();
        if (second != null) {
          locals.put(first, item.getKey() == NULL ? null : item.getKey());
          locals.put(second, value);
        } else {
          locals.put(first, value);
        }
        Object key = expr();
        Object val = null;
        if (object) {
          expect("=>");
          val = expr();
          eat("...");
        }
        boolean keep = true;
        if (eat("if")) {
          Object cond = expr();
          keep = skipping || truthy(cond);
        }
        expect(object ? "}" : "]");
        if (!skipping && keep) {
          if (object) {
            map.put(string(key), val);
          } else {
            list.add(key);
          }
        }
        end = pos;
      }
      skipping = was;
      locals.remove(first);
      if (second != null) {
        locals.remove(second);
      }
      pos = end;
      return skipping ? null : object ? map : list;
    }
  }

  private static final Object NULL = new Object();

  private static String unescape(String body) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char n = body.charAt(++i);
        out.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          case 'r' -> '\r';
          default -> n;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A scope that adds names (each, a dynamic block's iterator, a for expression's) to another. */
  record Overlay(Scope base, Map<String, Object> names) implements Scope {
    @Override
    public Object root(String name) {
      return names.containsKey(name) ? names.get(name) : base.root(name);
    }

    @Override
    public Path moduleDir() {
      return base.moduleDir();
    }
  }

  /** A value whose attributes are computed on demand (a resource, a data source, a module). */
  public interface Reference {
    Object get(String attribute);
  }
}
