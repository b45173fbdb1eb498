package com.fleetstream.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sizing table, the defaults Terraform takes from it and docs/sizing.md's copy all follow the
 * measurements in benchmarks/results: a new capacity or state figure that changes a row fails here
 * until {@code bash scripts/sizing.sh} writes both again.
 */
class SizingTest {
  private static final Path REPO = TerraformStaticTest.repo();

  @Test
  @SuppressWarnings("unchecked")
  void terraformsSizingTableIsTheOneTheMeasurementsGive() throws Exception {
    List<Sizing.Row> rows = Sizing.table(Sizing.Measured.from(REPO));
    Map<String, Object> parsed = new HCLParser().parse(REPO.resolve("terraform/modules/sizing/main.tf").toFile(),
        "UTF-8");
    List<Map<String, Object>> table = (List<Map<String, Object>>) ((Map<String, Object>) parsed.get("locals"))
        .get("table");
    assertThat(table).as("terraform/modules/sizing/main.tf; write it again with bash scripts/sizing.sh")
        .extracting(r -> number(r.get("vehicles")) + " " + r.get("worker_type") + " x" + number(
            r.get("streaming_workers")) + " shards " + number(r.get("location_shards")) + " storage "
            + number(r.get("postgres_storage_gb")))
        .containsExactlyElementsOf(rows.stream().map(r -> r.vehicles() + " " + r.workerType() + " x" + r.workers()
            + " shards " + r.shards() + " storage " + r.postgresStorageGb()).toList());
  }

  @Test
  void theSizingPagesTableIsTheOneTheMeasurementsGive() throws Exception {
    assertThat(Files.readString(REPO.resolve("docs/sizing.md"))).as("docs/sizing.md; write it again with bash scripts/sizing.sh")
        .contains(Sizing.markdown(Sizing.table(Sizing.Measured.from(REPO))))
        .contains(Sizing.scheduledMarkdown(Sizing.table(Sizing.Measured.from(REPO))));
  }

  @Test
  void aFleetOfTenThousandNeedsMoreThanOneOfAThousand() throws Exception {
    List<Sizing.Row> rows = Sizing.table(new Sizing.Measured(1000, 256, 0, 0, 150, 0.5, 30));
    assertThat(rows).extracting(Sizing.Row::vehicles).containsExactly(1_000, 10_000, 100_000);
    // 200 fixes/s: 0.37 GB of state and a core's fifth fit the smallest deployment
    assertThat(rows.get(0)).extracting(Sizing.Row::workerType, Sizing.Row::workers, Sizing.Row::shards)
        .containsExactly("G.025X", 2, 1);
    // 2,000 fixes/s: 3.7 GB of state over four G.025X executors (1 GB each) is cheaper than G.1X's two
    assertThat(rows.get(1)).extracting(Sizing.Row::workerType, Sizing.Row::workers, Sizing.Row::shards)
        .containsExactly("G.025X", 5, 3);
    // 20,000 fixes/s: 37 GB of state, 40 cores; G.025X is for low volumes
    assertThat(rows.get(2)).extracting(Sizing.Row::workerType, Sizing.Row::workers, Sizing.Row::shards)
        .containsExactly("G.1X", 11, 25);
    assertThat(rows.get(1).glueMonthly()).isEqualTo(5 * 0.25 * 0.44 * 730, org.assertj.core.data.Offset.offset(1e-9));
    // 90 days of history at 150 B a row and 25 % room, in tens of GB: 200 fixes/s are 292 GB, 2,000 are
    // 2,920 GB; 20,000 would be 29,160 GB, within RDS's 65,536 GiB
    assertThat(rows).extracting(Sizing.Row::postgresStorageGb).containsExactly(300, 2920, 29160);
  }

  @Test
  void aScheduledRunDrainsItsIntervalInAThirdOfItAndBillsItsStartUpAndDrain() {
    List<Sizing.Row> rows = Sizing.table(new Sizing.Measured(1000, 256, 0, 0, 150, 0.5, 30));
    // 200 fixes/s for 900 s at 0.5 CPU-s per 1,000 fixes: 90 CPU-s, 23 s on one G.1X executor's four
    // cores, after 30 s of start-up: a minute billed (Glue's least) for two workers, 2,920 runs a month
    Sizing.Scheduled small = rows.get(0).scheduled();
    assertThat(small.workers()).isEqualTo(2);
    assertThat(small.runSeconds()).isEqualTo(60);
    assertThat(small.glueMonthly()).isEqualTo(2 * 0.29 * 60 / 3600.0 * 2920, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(small.freshnessSeconds()).isEqualTo(960);
    assertThat(rows.get(0).recommendedMode()).isEqualTo("scheduled");
    // 20,000 fixes/s: 9,000 CPU-s a run, in 300 s on 8 executors of 4 cores (and 37 GB of state in
    // 10 executors' quarters of 16 GB), 30 + 225 s billed
    Sizing.Scheduled large = rows.get(2).scheduled();
    assertThat(large.workers()).isEqualTo(11);
    assertThat(large.runSeconds()).isEqualTo(30 + 9000.0 / 40, org.assertj.core.data.Offset.offset(1e-9));
  }

  private static int number(Object hcl) {
    return hcl instanceof Number n ? n.intValue() : (int) Double.parseDouble(hcl.toString());
  }
}
