package com.fleetstream.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/** One side of a comparison runs with a setting of its own; the next benchmark must not inherit it. */
final class SessionSettings {
  private SessionSettings() {}

  static <T> T with(SparkSession spark, String key, String value, Supplier<T> body) {
    return with(spark, Map.of(key, value), body);
  }

  static <T> T with(SparkSession spark, Map<String, String> settings, Supplier<T> body) {
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
