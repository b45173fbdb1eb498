package com.fleetstream.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchAccountingTest {
  @Test
  void aRowThatIsNeitherKeptNorADuplicateNorLateIsUnaccountedForNotCountedAsADuplicate() {
    BatchAccounting.Counts lost = new BatchAccounting.Counts("location-events", 7, 10, 2, 8, 3, 5L, 1, 1L, null,
        Map.of("parquet:events", 5L));
    assertThat(lost.unaccounted()).isEqualTo(1);
    assertThat(lost.line()).isEqualTo("location-events batch 7: read=10 quarantined=2 valid=8 derived_ids=3 kept=5 duplicates=1"
        + " late=1 written={parquet:events=5}");

    assertThat(new BatchAccounting.Counts("location-events", 8, 10, 2, 8, 0, 5L, 1, 2L, null, Map.of()).unaccounted()).isZero();
    // a state machine (alerts, trips) does not deduplicate: nothing to account for beyond validation
    BatchAccounting.Counts alerts = new BatchAccounting.Counts("location-alerts", 8, 10, 2, 8, 0, null, 0, null, 3L,
        Map.of("postgres:alerts", 1L));
    assertThat(alerts.unaccounted()).isZero();
    assertThat(alerts.line())
        .isEqualTo("location-alerts batch 8: read=10 quarantined=2 valid=8 derived_ids=0 late=0 out_of_order=3 written={postgres:alerts=1}");
  }
}
