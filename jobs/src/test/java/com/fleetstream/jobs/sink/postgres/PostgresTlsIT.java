package com.fleetstream.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fleetstream.jobs.TestPostgres;
import com.fleetstream.postgres.PgConnectionSpec;
import com.fleetstream.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code PG_SSL_ROOT_CERT} every connection is TLS and the server must prove it is the one named
 * in the URL with a certificate from the given CAs (sslmode=verify-full): a server whose certificate
 * another CA signed is refused, however right its password.
 */
class PostgresTlsIT {
  @TempDir
  Path dir;

  @Test
  void connectionsAreTlsToAServerTheBundleVouchesForAndNoOther() throws Exception {
    TestCertificates server = TestCertificates.create(dir.resolve("rds"));
    TestCertificates stranger = TestCertificates.create(dir.resolve("other"));
    TestPostgres.server().enableTls(server);
    PgConnectionSpec db = TestPostgres.database("tls_test");

    PgConnectionSpec verified = db.withSslRootCert(Files.readString(server.caCertificate()));
    try (Connection c = verified.open(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("TLS").isTrue();
      assertThat(rs.getString(2)).startsWith("TLSv1.");
    }
    assertThat(verified.toString()).contains("sslmode=verify-full");

    PgConnectionSpec misled = db.withSslRootCert(Files.readString(stranger.caCertificate()));
    assertThatThrownBy(misled::open).isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
  }
}
