-- A vehicle's track between two instants (uses the primary key and prunes day partitions).
-- Parameters: 1 vehicle_id, 2 from (inclusive), 3 to (exclusive)

-- name: position_history
SELECT event_time, event_id, latitude, longitude, speed_kmh
FROM fleet.vehicle_position_history
WHERE vehicle_id = ? AND event_time >= ? AND event_time < ?
ORDER BY event_time, event_id;
