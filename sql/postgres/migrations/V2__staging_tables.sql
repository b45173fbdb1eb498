-- One staging table per streaming query. Each Spark partition COPYs its rows here (tagged with its
-- partition number, so a retried task replaces its own rows), then one transaction moves the batch
-- into the reporting tables. UNLOGGED: their content is rebuilt by a replay after a crash.
CREATE SCHEMA IF NOT EXISTS fleet_staging;

CREATE UNLOGGED TABLE fleet_staging.location_events (
  vehicle_id text, event_time timestamptz, event_id text, latitude double precision, longitude double precision,
  speed_kmh double precision, heading double precision, altitude_m double precision, accuracy_m double precision,
  fuel_level_pct double precision, engine_status text, arrival_time timestamptz,
  spark_partition integer NOT NULL
);

CREATE UNLOGGED TABLE fleet_staging.location_windows (
  LIKE fleet.vehicle_window_stats,
  spark_partition integer NOT NULL
);

CREATE UNLOGGED TABLE fleet_staging.sensor_events (
  LIKE fleet.sensor_threshold_breaches,
  spark_partition integer NOT NULL
);

CREATE UNLOGGED TABLE fleet_staging.sensor_windows (
  LIKE fleet.sensor_window_stats,
  spark_partition integer NOT NULL
);

CREATE UNLOGGED TABLE fleet_staging.location_quarantine (
  LIKE fleet.quarantine,
  spark_partition integer NOT NULL
);

CREATE UNLOGGED TABLE fleet_staging.sensor_quarantine (
  LIKE fleet.quarantine,
  spark_partition integer NOT NULL
);

CREATE INDEX ON fleet_staging.location_events (spark_partition);
CREATE INDEX ON fleet_staging.location_windows (spark_partition);
CREATE INDEX ON fleet_staging.sensor_events (spark_partition);
CREATE INDEX ON fleet_staging.sensor_windows (spark_partition);
CREATE INDEX ON fleet_staging.location_quarantine (spark_partition);
CREATE INDEX ON fleet_staging.sensor_quarantine (spark_partition);
