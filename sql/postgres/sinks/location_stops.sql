-- A stop's row is final when written (its next trip has begun); a replayed batch writes it again.
-- staging order: stop_id

-- name: stops
INSERT INTO fleet.stops (stop_id, vehicle_id, start_time, end_time, duration_minutes, latitude, longitude,
  geofence_id)
SELECT stop_id, vehicle_id, start_time, end_time, duration_minutes, latitude, longitude, geofence_id
FROM fleet_staging.location_stops
ON CONFLICT (stop_id) DO UPDATE SET
  end_time = EXCLUDED.end_time, duration_minutes = EXCLUDED.duration_minutes, geofence_id = EXCLUDED.geofence_id;
