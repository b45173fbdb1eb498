-- The newest alerts (geofence crossings, held threshold breaches) with an event time from an instant on.
-- Parameters: 1 since (inclusive), 2 most rows

-- name: alerts_since
SELECT alert_id, job, entity_id, rule, kind, event_time, value, latitude, longitude, detail, status
FROM fleet.alerts
WHERE event_time >= ?
ORDER BY event_time DESC, alert_id
LIMIT ?;
