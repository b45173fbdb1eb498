package com.fleetstream.jobs.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Session settings for the length of one piece of work, put back as they were afterwards: a
 * streaming query takes a copy of the session's settings when it starts, and one side of a
 * benchmark's comparison must not leave its settings to the next.
 */
public final class SessionSettings {
  private SessionSettings() {}

  public static <T> T with(SparkSession spark, String key, String value, Supplier<T> body) {
    return with(spark, Map.of(key, value), body);
  }

  public static <T> T with(SparkSession spark, Map<String, String> settings, Supplier<T> body) {
    Map<String, Option<String>> before = new LinkedHashMap<>();
    settings.forEach((key, value) -> {
      before.put(key, spark.conf().getOption(key));
      spark.conf().set(key, value);
    });
    try {
      return body.get();
    } finally {
      before.forEach((key, value) -> {
        if (value.isDefined()) {
          spark.conf().set(key, value.get());
        } else {
          spark.conf().unset(key);
        }
      });
    }
  }
}
