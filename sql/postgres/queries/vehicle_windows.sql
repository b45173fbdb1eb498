-- A vehicle's window statistics (distance, speeds, idle and driving minutes) starting in a range.
-- Parameters: 1 vehicle_id, 2 from (inclusive), 3 to (exclusive), 4 most rows

-- name: vehicle_windows
SELECT window_start, window_end, fix_count, distance_km, avg_speed_kmh, max_speed_kmh, idle_minutes,
       driving_minutes
FROM fleet.vehicle_window_stats
WHERE vehicle_id = ? AND window_start >= ? AND window_start < ?
ORDER BY window_start
LIMIT ?;
