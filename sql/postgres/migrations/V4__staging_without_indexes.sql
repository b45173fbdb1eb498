-- Indexes on the staging tables slowed every COPY for the sake of the rare retried task; a retried
-- task's DELETE of its own rows scans the (small, per-batch) table instead.
DROP INDEX fleet_staging.location_events_spark_partition_idx;
DROP INDEX fleet_staging.location_windows_spark_partition_idx;
DROP INDEX fleet_staging.sensor_events_spark_partition_idx;
DROP INDEX fleet_staging.sensor_windows_spark_partition_idx;
DROP INDEX fleet_staging.location_quarantine_spark_partition_idx;
DROP INDEX fleet_staging.sensor_quarantine_spark_partition_idx;
