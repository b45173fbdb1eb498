-- Stores one staged batch of alerts as pending for the publisher. A transition detected again (a
-- batch replayed after its state was lost) is already here and keeps its status.

-- name: alerts
INSERT INTO fleet.alerts (alert_id, job, entity_id, rule, kind, event_time, event_id, value, latitude, longitude,
  detail)
SELECT alert_id, 'sensor', entity_id, rule, kind, event_time, event_id, value, latitude, longitude, detail
FROM fleet_staging.sensor_alerts
ORDER BY event_time, alert_id
ON CONFLICT (alert_id) DO NOTHING;
