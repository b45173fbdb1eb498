-- A vehicle's stops that began on a UTC day, in order.
-- Parameters: 1 day (date), 2 vehicle id

-- name: vehicle_stops_on_day
WITH day AS (SELECT (?::date)::timestamp AT TIME ZONE 'UTC' AS start)
SELECT stop_id, start_time, end_time, duration_minutes, latitude, longitude, geofence_id
FROM fleet.stops, day
WHERE vehicle_id = ?
  AND start_time >= day.start AND start_time < day.start + interval '1 day'
ORDER BY start_time;
