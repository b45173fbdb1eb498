-- The five vehicles that stood idle longest on a day.
-- Parameters: 1 dt ('YYYY-MM-DD')
-- name: top_idle_vehicles
SELECT dt, vehicle_id, idle_minutes, driving_minutes
FROM fleetstream_final.vehicle_daily_summary
WHERE dt = ?
ORDER BY idle_minutes DESC, vehicle_id
LIMIT 5;
