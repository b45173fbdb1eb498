package com.fleetstream.jobs;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The jobs' packages in layers that point one way, checked on the compiled classes (ArchUnit):
 * foundations (configuration, input contracts, retries) use nothing above them; transformations
 * (pure {@code Dataset -> Dataset}, trips among them) no I/O (files, AWS clients), source, sink or
 * runtime; sources and sinks not each other nor the runtime; the runtime (queries, accounting,
 * metrics) is used only by the jobs' mains.
 */
class JobLayersTest {
  static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("Jobs").definedBy("com.fleetstream.jobs", "com.fleetstream.jobs.combine..")
      .layer("Runtime").definedBy("com.fleetstream.jobs.runtime..", "com.fleetstream.jobs.metrics..")
      .layer("Sources").definedBy("com.fleetstream.jobs.source..")
      .layer("Sinks").definedBy("com.fleetstream.jobs.sink..")
      .layer("Transforms").definedBy("com.fleetstream.jobs.transform..", "com.fleetstream.jobs.trips..")
      .layer("Io").definedBy("com.fleetstream.jobs.io..")
      .layer("Foundations").definedBy("com.fleetstream.jobs.config..", "com.fleetstream.jobs.contract..",
          "com.fleetstream.jobs.retry..")
      .whereLayer("Jobs").mayNotBeAccessedByAnyLayer()
      .whereLayer("Runtime").mayOnlyBeAccessedByLayers("Jobs")
      .whereLayer("Sources").mayOnlyBeAccessedByLayers("Runtime", "Jobs")
      // a sink partitions by the columns the transforms add (Partitioning)
      .whereLayer("Sinks").mayOnlyBeAccessedByLayers("Runtime", "Jobs")
      .whereLayer("Transforms").mayOnlyBeAccessedByLayers("Sinks", "Runtime", "Jobs")
      .whereLayer("Io").mayOnlyBeAccessedByLayers("Sources", "Sinks", "Runtime", "Jobs")
      .whereLayer("Foundations").mayOnlyBeAccessedByLayers("Io", "Transforms", "Sources", "Sinks", "Runtime", "Jobs");

  @Test
  void thePackagesDependOnlyDownward() {
    JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("com.fleetstream.jobs");
    assertThat(main.size()).isGreaterThan(100);
    LAYERS.check(main);
  }

  @Test
  void aTransformThatReachesForASinkIsRefused() {
    JavaClasses planted = new ClassFileImporter().importPackages("com.fleetstream.jobs.transform.planted",
        "com.fleetstream.jobs.sink");
    assertThatThrownBy(() -> LAYERS.check(planted)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("PlantedTransform");
  }
}
