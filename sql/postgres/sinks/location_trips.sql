-- A trip's row is final when written; a replayed batch writes the same row again.
-- staging order: trip_id

-- name: trips
INSERT INTO fleet.trips (trip_id, vehicle_id, start_time, end_time, start_latitude, start_longitude, end_latitude,
  end_longitude, duration_minutes, distance_km, moving_minutes, idle_minutes, avg_speed_kmh, max_speed_kmh,
  fix_count, ended_by)
SELECT trip_id, vehicle_id, start_time, end_time, start_latitude, start_longitude, end_latitude, end_longitude,
  duration_minutes, distance_km, moving_minutes, idle_minutes, avg_speed_kmh, max_speed_kmh, fix_count, ended_by
FROM fleet_staging.location_trips
ON CONFLICT (trip_id) DO UPDATE SET
  end_time = EXCLUDED.end_time, end_latitude = EXCLUDED.end_latitude, end_longitude = EXCLUDED.end_longitude,
  duration_minutes = EXCLUDED.duration_minutes, distance_km = EXCLUDED.distance_km,
  moving_minutes = EXCLUDED.moving_minutes, idle_minutes = EXCLUDED.idle_minutes,
  avg_speed_kmh = EXCLUDED.avg_speed_kmh, max_speed_kmh = EXCLUDED.max_speed_kmh, fix_count = EXCLUDED.fix_count,
  ended_by = EXCLUDED.ended_by;
