package com.fleetstream.api.access;

import com.fleetstream.sql.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Tenants, assets and grants ({@code sql/postgres/access/administration.sql}), kept on a connection
 * of the tables' owner or a superuser: the local run's and the tests' principals, and what an
 * administrator runs from psql in AWS.
 */
public final class AccessAdmin {
  private static final SqlScript SQL = SqlScript.load("sql/postgres/access/administration.sql");

  /** What a grant lets its principal do (migration V12). */
  public enum Role {
    ADMINISTRATOR, OPERATOR, RENTER, DEVICE;

    String sql() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Connection c;

  public AccessAdmin(Connection c) {
    this.c = c;
  }

  public AccessAdmin tenant(String tenantId, String name) throws SQLException {
    run("add_tenant", tenantId, name);
    return this;
  }

  public AccessAdmin vehicle(String tenantId, String vehicleId) throws SQLException {
    run("add_asset", vehicleId, tenantId, "vehicle");
    return this;
  }

  /** Every vehicle with a fix that no tenant has, to this tenant (a first setup). */
  public AccessAdmin adoptUnassignedVehicles(String tenantId) throws SQLException {
    run("adopt_unassigned_vehicles", tenantId);
    return this;
  }

  /**
   * @param assetId one vehicle or sensor; empty for all of the tenant's (administrators and operators only)
   * @param from the grant's start; empty for no bound
   * @param until the grant's end (exclusive); empty for no bound
   */
  public long grant(String principal, Role role, String tenantId, Optional<String> assetId, Optional<Instant> from,
      Optional<Instant> until) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SQL.sql("grant"))) {
      ps.setString(1, principal);
      ps.setString(2, role.sql());
      ps.setString(3, tenantId);
      ps.setString(4, assetId.orElse(null));
      ps.setTimestamp(5, from.map(Timestamp::from).orElse(null));
      ps.setTimestamp(6, until.map(Timestamp::from).orElse(null));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void run(String statement, String... values) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SQL.sql(statement))) {
      for (int i = 0; i < values.length; i++) {
        ps.setString(i + 1, values[i]);
      }
      ps.executeUpdate();
    }
  }
}
