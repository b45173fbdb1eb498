-- Read-only access for analysts: SELECT on the reporting tables, nothing else. Roles belong to the
-- whole server, so an existing one is reused (on RDS the migrating user needs CREATEROLE).
-- Give people access with: CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE analyst;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'analyst') THEN
    CREATE ROLE analyst NOLOGIN;
  END IF;
END $$;

GRANT USAGE ON SCHEMA fleet TO analyst;
GRANT SELECT ON fleet.vehicle_position_latest, fleet.vehicle_position_history, fleet.vehicle_window_stats,
  fleet.sensor_window_stats, fleet.sensor_threshold_breaches, fleet.quarantine TO analyst;
