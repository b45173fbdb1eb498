-- A window's row is replaced when it comes again (update-mode output, or a later batch closing it).

-- name: sensor_window_stats
INSERT INTO fleet.sensor_window_stats (sensor_id, device_id, metric, unit, window_start, window_end,
  reading_count, min_value, max_value, avg_value, breach_count)
SELECT DISTINCT ON (sensor_id, metric, window_start) sensor_id, device_id, metric, unit, window_start,
  window_end, reading_count, min_value, max_value, avg_value, breach_count
FROM fleet_staging.sensor_windows
ON CONFLICT (sensor_id, metric, window_start) DO UPDATE SET
  device_id = EXCLUDED.device_id, unit = EXCLUDED.unit, window_end = EXCLUDED.window_end,
  reading_count = EXCLUDED.reading_count, min_value = EXCLUDED.min_value, max_value = EXCLUDED.max_value,
  avg_value = EXCLUDED.avg_value, breach_count = EXCLUDED.breach_count;
