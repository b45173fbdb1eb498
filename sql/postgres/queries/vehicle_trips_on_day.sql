-- A vehicle's trips that began on a UTC day, in order.
-- Parameters: 1 day (date), 2 vehicle id

-- name: vehicle_trips_on_day
WITH day AS (SELECT (?::date)::timestamp AT TIME ZONE 'UTC' AS start)
SELECT trip_id, start_time, end_time, start_latitude, start_longitude, end_latitude, end_longitude,
       distance_km, duration_minutes, moving_minutes, idle_minutes, avg_speed_kmh, max_speed_kmh, ended_by
FROM fleet.trips, day
WHERE vehicle_id = ?
  AND start_time >= day.start AND start_time < day.start + interval '1 day'
ORDER BY start_time;
