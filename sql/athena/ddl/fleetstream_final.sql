-- For teams that skip the crawlers: the same tables by hand, in Athena (engine v3). Delta tables are
-- read natively from their log, so no columns are listed. Replace ${final_bucket}.
-- Athena-only syntax (not run by the tests, which register these tables in Spark's catalog).
CREATE DATABASE IF NOT EXISTS fleetstream_final;

CREATE EXTERNAL TABLE fleetstream_final.vehicle_daily_summary
LOCATION 's3://${final_bucket}/vehicle_daily_summary/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_final.sensor_hourly_summary
LOCATION 's3://${final_bucket}/sensor_hourly_summary/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_final.location_sensor_enriched
LOCATION 's3://${final_bucket}/location_sensor_enriched/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_final.vehicle_daily_trips
LOCATION 's3://${final_bucket}/vehicle_daily_trips/'
TBLPROPERTIES ('table_type' = 'DELTA');
