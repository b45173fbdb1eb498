-- Ids are compared byte-wise: with the database's linguistic collation every primary-key insert
-- and every sort of a batch paid for locale-aware string comparison.
ALTER TABLE fleet.vehicle_position_history
  ALTER COLUMN vehicle_id TYPE text COLLATE "C",
  ALTER COLUMN event_id TYPE text COLLATE "C";
ALTER TABLE fleet.vehicle_position_latest ALTER COLUMN vehicle_id TYPE text COLLATE "C";
ALTER TABLE fleet.vehicle_window_stats ALTER COLUMN vehicle_id TYPE text COLLATE "C";
ALTER TABLE fleet.sensor_window_stats
  ALTER COLUMN sensor_id TYPE text COLLATE "C",
  ALTER COLUMN metric TYPE text COLLATE "C";
ALTER TABLE fleet.sensor_threshold_breaches
  ALTER COLUMN sensor_id TYPE text COLLATE "C",
  ALTER COLUMN event_id TYPE text COLLATE "C";
ALTER TABLE fleet.quarantine
  ALTER COLUMN stream_name TYPE text COLLATE "C",
  ALTER COLUMN sequence_number TYPE text COLLATE "C";
ALTER TABLE fleet_staging.location_events
  ALTER COLUMN vehicle_id TYPE text COLLATE "C",
  ALTER COLUMN event_id TYPE text COLLATE "C";
