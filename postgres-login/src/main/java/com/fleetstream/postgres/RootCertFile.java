package com.fleetstream.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CA bundle as the file pgjdbc's {@code sslrootcert} names, written once per JVM (driver and each
 * executor) from the PEM text the connection spec carries: an executor has no copy of the job's
 * arguments' files.
 */
final class RootCertFile {
  private static final Map<String, Path> WRITTEN = new ConcurrentHashMap<>();

  private RootCertFile() {}

  static Path of(String pem) {
    return WRITTEN.computeIfAbsent(pem, text -> {
      try {
        Path file = Files.createTempFile("fleetstream-pg-ca-", ".pem");
        file.toFile().deleteOnExit();
        return Files.writeString(file, text, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the PostgreSQL CA bundle to a temporary file", e);
      }
    });
  }
}
