package com.fleetstream.args;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Job arguments the way Glue passes them: {@code --KEY value} (or {@code --KEY=value}). Glue adds
 * arguments of its own ({@code --JOB_NAME}, {@code --TempDir}, ...), so keys a job does not read
 * are tolerated; {@link #unread()} lists them for the start-up log. No value may carry credentials
 * in a URL ({@link UrlCredentials}), so none reaches a log.
 */
public final class GlueArgs {
  private final Map<String, String> values;
  private final Set<String> read = new HashSet<>();

  private GlueArgs(Map<String, String> values) {
    this.values = values;
  }

  public static GlueArgs parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new InvalidArgumentException(arg, "expected --KEY value");
      }
      String key = arg.substring(2);
      int eq = key.indexOf('=');
      if (eq >= 0) {
        values.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        values.put(key, args[++i]);
      } else {
        // A bare flag: Glue passes some (e.g. --enable-...) as switches.
        values.put(key, "true");
      }
    }
    values.forEach((key, value) -> {
      if (UrlCredentials.present(value)) {
        throw new InvalidArgumentException(key, "must not carry credentials ('" + UrlCredentials.redacted(value)
            + "'): job arguments are visible in the Glue console and the run's log; the job's role reaches AWS,"
            + " and the PostgreSQL login comes from PG_SECRET_ID");
      }
    });
    return new GlueArgs(values);
  }

  public String string(String key, String dflt) {
    read.add(key);
    String v = values.get(key);
    return v == null || v.isBlank() ? dflt : v;
  }

  public Optional<String> optional(String key) {
    read.add(key);
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
  }

  public String required(String key) {
    return optional(key).orElseThrow(() -> new InvalidArgumentException(key, "is required"));
  }

  public int integer(String key, int dflt, int min, int max) {
    int v = parsed(key, dflt, Integer::parseInt);
    if (v < min || v > max) {
      throw new InvalidArgumentException(key, "must be within " + min + ".." + max + ", got " + v);
    }
    return v;
  }

  public long longValue(String key, long dflt) {
    return parsed(key, dflt, Long::parseLong);
  }

  public double doubleValue(String key, double dflt) {
    return parsed(key, dflt, Double::parseDouble);
  }

  public boolean bool(String key, boolean dflt) {
    return parsed(key, dflt, s -> switch (s.toLowerCase()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    });
  }

  public <T> T parsed(String key, T dflt, Function<String, T> parser) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    try {
      return parser.apply(raw.get().trim());
    } catch (RuntimeException e) {
      throw new InvalidArgumentException(key, "cannot parse '" + raw.get() + "': " + e.getMessage());
    }
  }

  /** Keys given but never read by the job: Glue's own, or a misspelling worth a look. */
  public Set<String> unread() {
    Set<String> unread = new TreeSet<>(values.keySet());
    unread.removeAll(read);
    return unread;
  }

  /**
   * Refuses a key given but never read. For programs whose every option is their own (the simulator,
   * the local runner): nothing injects keys into them, so an unread key is a misspelling. Call it
   * once every option has been read.
   */
  public void rejectUnread() {
    Set<String> unread = unread();
    if (!unread.isEmpty()) {
      throw new InvalidArgumentException(unread.iterator().next(), "is not an option (options: --"
          + String.join(", --", new TreeSet<>(read)) + ")");
    }
  }
}
