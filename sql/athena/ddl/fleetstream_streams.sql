-- For teams that skip the crawlers: the streaming jobs' Delta tables, in Athena (engine v3).
-- Replace ${curated_bucket}. Athena-only syntax.
CREATE DATABASE IF NOT EXISTS fleetstream_streams;

CREATE EXTERNAL TABLE fleetstream_streams.location_events
LOCATION 's3://${curated_bucket}/delta/location/events/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_streams.location_window_stats
LOCATION 's3://${curated_bucket}/delta/location/window_stats/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_streams.location_trips
LOCATION 's3://${curated_bucket}/delta/location/trips/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_streams.location_stops
LOCATION 's3://${curated_bucket}/delta/location/stops/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_streams.sensor_events
LOCATION 's3://${curated_bucket}/delta/sensor/events/'
TBLPROPERTIES ('table_type' = 'DELTA');

CREATE EXTERNAL TABLE fleetstream_streams.sensor_window_stats
LOCATION 's3://${curated_bucket}/delta/sensor/window_stats/'
TBLPROPERTIES ('table_type' = 'DELTA');
