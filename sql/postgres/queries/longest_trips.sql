-- The longest trips (by distance) that began in a time range.
-- Parameters: 1 from (timestamptz), 2 until (timestamptz, exclusive), 3 how many

-- name: longest_trips
SELECT vehicle_id, start_time, end_time, distance_km, duration_minutes, idle_minutes, max_speed_kmh, ended_by
FROM fleet.trips
WHERE start_time >= ? AND start_time < ?
ORDER BY distance_km DESC, vehicle_id, start_time
LIMIT ?;
