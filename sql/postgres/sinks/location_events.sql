-- Moves one staged batch of GPS fixes into history and latest position. Run in the batch's
-- transaction, together with its batch_ledger row. Each statement is named for the counts it reports.

-- name: new_partitions
SELECT fleet.ensure_history_partitions(min(event_time), max(event_time)) FROM fleet_staging.location_events;

-- name: vehicle_position_history
INSERT INTO fleet.vehicle_position_history (vehicle_id, event_time, event_id, latitude, longitude, speed_kmh,
  heading, altitude_m, accuracy_m, fuel_level_pct, engine_status, arrival_time)
SELECT vehicle_id, event_time, event_id, latitude, longitude, speed_kmh, heading, altitude_m, accuracy_m,
  fuel_level_pct, engine_status, arrival_time
FROM fleet_staging.location_events
ORDER BY vehicle_id, event_time, event_id -- in key order the primary key index grows at its edge
ON CONFLICT DO NOTHING;

-- name: vehicle_position_latest
INSERT INTO fleet.vehicle_position_latest AS latest (vehicle_id, event_time, event_id, latitude, longitude,
  speed_kmh, heading, engine_status, updated_at)
SELECT DISTINCT ON (vehicle_id) vehicle_id, event_time, event_id, latitude, longitude, speed_kmh, heading,
  engine_status, now()
FROM fleet_staging.location_events
ORDER BY vehicle_id, event_time DESC, event_id DESC
ON CONFLICT (vehicle_id) DO UPDATE SET
  event_time = EXCLUDED.event_time, event_id = EXCLUDED.event_id, latitude = EXCLUDED.latitude,
  longitude = EXCLUDED.longitude, speed_kmh = EXCLUDED.speed_kmh, heading = EXCLUDED.heading,
  engine_status = EXCLUDED.engine_status, updated_at = EXCLUDED.updated_at
WHERE (EXCLUDED.event_time, EXCLUDED.event_id) > (latest.event_time, latest.event_id);
