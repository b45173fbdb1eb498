package com.fleetstream.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root from wherever a test or runner was started (module dir or root). */
public final class ProjectPaths {
  private ProjectPaths() {}

  public static Path root() {
    String configured = System.getProperty("fleetstream.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("tools/kinesalite/package.json"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root (tools/kinesalite/package.json) above " + dir);
  }
}
