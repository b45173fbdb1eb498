-- The longest stops that began in a time range, with the geofence each lies in.
-- Parameters: 1 from (timestamp), 2 until (timestamp, exclusive), 3 how many
-- name: longest_stops
SELECT vehicle_id, start_time, end_time, duration_minutes, latitude, longitude, geofence_id
FROM fleetstream_streams.location_stops
WHERE start_time >= ? AND start_time < ?
ORDER BY duration_minutes DESC, vehicle_id, start_time
LIMIT ?;
