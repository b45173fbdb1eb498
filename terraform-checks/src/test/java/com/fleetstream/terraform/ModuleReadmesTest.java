package com.fleetstream.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every module has a README whose inputs and outputs tables are those of its variables.tf and outputs.tf now. */
class ModuleReadmesTest {
  @Test
  void everyModuleReadmeListsItsCurrentInputsAndOutputs() throws IOException {
    Path modules = TerraformStaticTest.repo().resolve("terraform/modules");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(modules)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(dirs).hasSizeGreaterThanOrEqualTo(7);
    for (Path module : dirs) {
      Path readme = module.resolve("README.md");
      assertThat(readme).as(module.getFileName() + " README").isRegularFile();
      String text = Files.readString(readme);
      assertThat(text).as(readme + ": regenerate with java -cp terraform-checks/target/classes"
          + " com.fleetstream.terraform.ModuleDocs terraform/modules").contains(ModuleDocs.tables(module));
      assertThat(text.substring(0, text.indexOf(ModuleDocs.BEGIN)).strip()).as(readme + ": what the module is for")
          .startsWith("# ").hasSizeGreaterThan(200).contains("```hcl");
    }
  }
}
