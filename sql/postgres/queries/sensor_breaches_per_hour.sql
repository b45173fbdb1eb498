-- Threshold breaches per UTC hour, sensor, metric and direction.
-- Parameters: 1 from (inclusive), 2 to (exclusive)

-- name: sensor_breaches_per_hour
SELECT date_trunc('hour', event_time AT TIME ZONE 'UTC') AS hour_utc, sensor_id, metric, breach,
       count(*) AS breaches, min(value) AS min_value, max(value) AS max_value
FROM fleet.sensor_threshold_breaches
WHERE event_time >= ? AND event_time < ?
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;
