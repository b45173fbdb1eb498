-- One page of a vehicle's track between two instants, after a cursor: keyset pagination on the
-- primary key (vehicle_id, event_time, event_id), so each page is an index range scan however deep.
-- Parameters: 1 vehicle_id, 2 from (inclusive), 3 to (exclusive), 4 and 5 the last (event_time,
-- event_id) of the page before (from and '' for the first page), 6 rows per page

-- name: position_page
SELECT event_time, event_id, latitude, longitude, speed_kmh, heading, altitude_m, accuracy_m, fuel_level_pct,
       engine_status
FROM fleet.vehicle_position_history
WHERE vehicle_id = ? AND event_time >= ? AND event_time < ? AND (event_time, event_id) > (?, ?)
ORDER BY event_time, event_id
LIMIT ?;
