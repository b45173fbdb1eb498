package com.fleetstream.kinesis;

import org.slf4j.Logger;

/** Records that expired unread: what {@code failOnDataLoss} decides, on the driver and in a reader alike. */
final class DataLoss {
  private DataLoss() {}

  /**
   * Fails with {@code gap} and how to go on, or with failOnDataLoss false logs it and returns.
   *
   * @param onward what the source does instead of failing, e.g. "from the oldest record"
   */
  static void tolerate(KinesisReadOptions options, Logger log, String gap, String onward) {
    if (options.failOnDataLoss()) {
      throw new IllegalStateException(gap + " To go on " + onward + ", logging the gap, start the job with"
          + " FAIL_ON_DATA_LOSS false (the source's option " + KinesisReadOptions.FAIL_ON_DATA_LOSS + ")");
    }
    log.warn("{} Going on {} (FAIL_ON_DATA_LOSS is false)", gap, onward);
  }
}
