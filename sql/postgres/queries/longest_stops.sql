-- The longest stops that began in a time range, with the geofence each lies in.
-- Parameters: 1 from (timestamptz), 2 until (timestamptz, exclusive), 3 how many

-- name: longest_stops
SELECT vehicle_id, start_time, end_time, duration_minutes, latitude, longitude, geofence_id
FROM fleet.stops
WHERE start_time >= ? AND start_time < ?
ORDER BY duration_minutes DESC, vehicle_id, start_time
LIMIT ?;
