-- The newest event time each dataset holds. The lag behind now is current_timestamp minus it; how
-- to subtract differs (Athena: date_diff('second', newest_event, current_timestamp); Spark:
-- timestampdiff(SECOND, newest_event, current_timestamp)), so it is left to the reader.
-- name: data_freshness
SELECT dataset, newest_event FROM (
  SELECT 'location_events' AS dataset, max(event_time) AS newest_event FROM fleetstream_streams.location_events
  UNION ALL
  SELECT 'sensor_events' AS dataset, max(event_time) AS newest_event FROM fleetstream_streams.sensor_events
  UNION ALL
  SELECT 'vehicle_daily_summary' AS dataset, max(last_event_time) AS newest_event
  FROM fleetstream_final.vehicle_daily_summary
) freshness
ORDER BY dataset;
