-- Fleet distance, driving and idle time per UTC day.
-- name: fleet_distance_per_day
SELECT dt, count(*) AS vehicles, sum(distance_km) AS distance_km, sum(driving_minutes) AS driving_minutes,
       sum(idle_minutes) AS idle_minutes
FROM fleetstream_final.vehicle_daily_summary
GROUP BY dt
ORDER BY dt;
