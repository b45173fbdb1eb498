-- What a position history row takes on disk: every partition's heap, indexes and TOAST over its rows.
-- The PostgreSQL sink benchmark measures it; scripts/sizing.sh sizes the RDS storage from it.

-- name: history_bytes_per_row
SELECT sum(pg_total_relation_size(p.relid))::double precision
       / greatest((SELECT count(*) FROM fleet.vehicle_position_history), 1)
FROM pg_partition_tree('fleet.vehicle_position_history') AS p;
