package com.fleetstream.bench;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/** One side of a comparison runs with a setting of its own; the next benchmark must not inherit it. */
final class SessionSettings {
  private SessionSettings() {}

  static <T> T with(SparkSession spark, String key, String value, Supplier<T> body) {
    Option<String> before = spark.conf().getOption(key);
    spark.conf().set(key, value);
    try {
      return body.get();
    } finally {
      if (before.isDefined()) {
        spark.conf().set(key, before.get());
      } else {
        spark.conf().unset(key);
      }
    }
  }
}
