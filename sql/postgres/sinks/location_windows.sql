-- A window's row is replaced when it comes again (update-mode output, or a later batch closing it).

-- name: vehicle_window_stats
INSERT INTO fleet.vehicle_window_stats (vehicle_id, window_start, window_end, fix_count, distance_km,
  avg_speed_kmh, max_speed_kmh, idle_minutes, driving_minutes, first_event_time, first_latitude,
  first_longitude, last_event_time, last_latitude, last_longitude)
SELECT DISTINCT ON (vehicle_id, window_start) vehicle_id, window_start, window_end, fix_count, distance_km,
  avg_speed_kmh, max_speed_kmh, idle_minutes, driving_minutes, first_event_time, first_latitude,
  first_longitude, last_event_time, last_latitude, last_longitude
FROM fleet_staging.location_windows
ON CONFLICT (vehicle_id, window_start) DO UPDATE SET
  window_end = EXCLUDED.window_end, fix_count = EXCLUDED.fix_count, distance_km = EXCLUDED.distance_km,
  avg_speed_kmh = EXCLUDED.avg_speed_kmh, max_speed_kmh = EXCLUDED.max_speed_kmh,
  idle_minutes = EXCLUDED.idle_minutes, driving_minutes = EXCLUDED.driving_minutes,
  first_event_time = EXCLUDED.first_event_time, first_latitude = EXCLUDED.first_latitude,
  first_longitude = EXCLUDED.first_longitude, last_event_time = EXCLUDED.last_event_time,
  last_latitude = EXCLUDED.last_latitude, last_longitude = EXCLUDED.last_longitude;
