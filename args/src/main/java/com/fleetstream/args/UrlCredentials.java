package com.fleetstream.args;

import java.util.regex.Pattern;

/**
 * Credentials written into a URL: user info ({@code scheme://user:secret@host}, which s3a and HTTP
 * once took) or a password parameter ({@code jdbc:postgresql://host/db?password=...}). Job arguments
 * are shown in the Glue console and in every run's log, so no argument may carry them.
 */
public final class UrlCredentials {
  private static final Pattern USER_INFO = Pattern.compile("(^[A-Za-z][A-Za-z0-9+.\\-]*:(?:[A-Za-z0-9+.\\-]+:)?//)([^/?#@]*@)");
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("([?&;](?:password|sslpassword)=)[^&;#]*", Pattern.CASE_INSENSITIVE);

  private UrlCredentials() {}

  static boolean present(String value) {
    return USER_INFO.matcher(value).find() || PASSWORD_PARAM.matcher(value).find();
  }

  /** The value with any credentials replaced by {@code ***}, fit for a message or a log line. */
  static String redacted(String value) {
    String v = USER_INFO.matcher(value).replaceAll("$1***@");
    return PASSWORD_PARAM.matcher(v).replaceAll("$1***");
  }
}
