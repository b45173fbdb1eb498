-- Threshold breaches per UTC hour, device and metric, with the in-threshold readings beside them.
-- name: sensor_breaches_per_hour
SELECT dt, hour, device_id, metric, sum(breach_count) AS breaches, sum(reading_count) AS readings_within
FROM fleetstream_final.sensor_hourly_summary
WHERE breach_count > 0
GROUP BY dt, hour, device_id, metric
ORDER BY dt, hour, device_id, metric;
