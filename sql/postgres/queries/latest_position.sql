-- Where is a vehicle now? Its newest fix by event time.
-- Parameters: 1 vehicle_id

-- name: latest_position
SELECT vehicle_id, event_time, event_id, latitude, longitude, speed_kmh, heading, engine_status
FROM fleet.vehicle_position_latest
WHERE vehicle_id = ?;
