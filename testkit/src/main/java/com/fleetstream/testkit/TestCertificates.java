package com.fleetstream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of the test's own and a server certificate it signed for 127.0.0.1 and
 * localhost, made with the JDK's keytool, as PEM files a PostgreSQL server and a client read: the
 * stand-in for RDS's CA bundle and an RDS instance's certificate.
 *
 * @param caCertificate the CA's certificate (what a client trusts)
 * @param serverCertificate the server's certificate, signed by the CA
 * @param serverKey the server's private key (PKCS#8, readable by its owner only)
 */
public record TestCertificates(Path caCertificate, Path serverCertificate, Path serverKey) {
  private static final String PASSWORD = "changeit";

  /** Makes a new CA and server certificate in {@code dir}. */
  public static TestCertificates create(Path dir) {
    try {
      Files.createDirectories(dir);
      Path ca = dir.resolve("ca.p12");
      Path server = dir.resolve("server.p12");
      Files.deleteIfExists(ca);
      Files.deleteIfExists(server);
      keytool("-genkeypair", "-keystore", ca.toString(), "-alias", "ca", "-dname", "CN=fleetstream test CA",
          "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-ext", "bc:c");
      keytool("-exportcert", "-rfc", "-keystore", ca.toString(), "-alias", "ca", "-file",
          dir.resolve("ca.pem").toString());
      keytool("-genkeypair", "-keystore", server.toString(), "-alias", "server", "-dname", "CN=127.0.0.1",
          "-keyalg", "RSA", "-keysize", "2048", "-validity", "2");
      keytool("-certreq", "-keystore", server.toString(), "-alias", "server", "-file", dir.resolve("server.csr").toString());
      keytool("-gencert", "-keystore", ca.toString(), "-alias", "ca", "-infile", dir.resolve("server.csr").toString(),
          "-outfile", dir.resolve("server.pem").toString(), "-rfc", "-validity", "2",
          "-ext", "san=ip:127.0.0.1,dns:localhost");
      Path key = dir.resolve("server.key");
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(server)) {
        store.load(in, PASSWORD.toCharArray());
      }
      PrivateKey privateKey = (PrivateKey) store.getKey("server", PASSWORD.toCharArray());
      Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(privateKey.getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      return new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), key);
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot make test certificates in " + dir, e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-noprompt", "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + String.join(" ", args) + ": " + new String(p.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
