-- Where is every vehicle now? Each one's newest fix by event time (the live map's markers).

-- name: fleet_positions
SELECT vehicle_id, event_time, event_id, latitude, longitude, speed_kmh, heading, engine_status
FROM fleet.vehicle_position_latest
ORDER BY vehicle_id;
