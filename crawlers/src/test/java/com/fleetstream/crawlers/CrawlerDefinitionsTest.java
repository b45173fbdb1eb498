package com.fleetstream.crawlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrawlerDefinitionsTest {
  private final CrawlerDefinitions defs = CrawlerDefinitions.load();

  @Test
  void oneCrawlerPerTableRootAndOneTablePerDataset() {
    assertThat(defs.crawlers()).extracting(CrawlerDefinitions.Crawler::name).doesNotHaveDuplicates()
        .allSatisfy(n -> assertThat(n).matches("fleetstream-[a-z0-9-]+"));
    assertThat(defs.crawlers()).extracting(c -> c.database() + "." + c.table()).doesNotHaveDuplicates();
    assertThat(defs.crawlers()).extracting(c -> c.bucket() + "/" + c.path()).doesNotHaveDuplicates();
    assertThat(defs.crawlers()).extracting(CrawlerDefinitions.Crawler::format).containsOnly("delta", "parquet");
    assertThat(defs.databases()).containsOnlyKeys("final", "streams");
  }

  @Test
  void everyFinalTableOfTheCombineJobIsCrawled() {
    assertThat(defs.over("final")).extracting(CrawlerDefinitions.Crawler::table).containsExactlyInAnyOrderElementsOf(
        List.of("vehicle_daily_summary", "sensor_hourly_summary", "location_sensor_enriched", "vehicle_daily_trips"));
    assertThat(defs.over("final")).allSatisfy(c -> assertThat(c.format()).isEqualTo("delta"));
  }
}
