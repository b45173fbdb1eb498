-- The vehicles that stood idle longest per UTC day, from the closed windows.
-- Parameters: 1 how many per day

-- name: top_idle_vehicles
SELECT day, vehicle_id, idle_minutes, idle_rank
FROM (
  SELECT (window_start AT TIME ZONE 'UTC')::date AS day,
         vehicle_id,
         sum(idle_minutes) AS idle_minutes,
         rank() OVER (PARTITION BY (window_start AT TIME ZONE 'UTC')::date ORDER BY sum(idle_minutes) DESC) AS idle_rank
  FROM fleet.vehicle_window_stats
  GROUP BY 1, 2
) ranked
WHERE idle_rank <= ?
ORDER BY day, idle_rank, vehicle_id;
