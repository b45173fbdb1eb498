-- The SNS publisher's statements, run by AlertPublisher after a batch's alerts are stored.

-- name: lock
-- Held for the publisher's session: two drivers of one job (a restarted one overlapping the old)
-- never send the same alert.
SELECT pg_advisory_lock(hashtext('fleetstream alerts ' || ?));

-- name: pending
SELECT alert_id, entity_id, rule, kind, event_time, event_id, detail
FROM fleet.alerts
WHERE job = ? AND status = 'pending'
ORDER BY event_time, alert_id;

-- name: recently_published
-- Rate limit: was this entity messaged about the same kind of transition under this rule less than
-- the interval (event time) before? Stops a vehicle on a fence's edge or a flapping sensor from
-- flooding the topic.
SELECT EXISTS (
  SELECT 1 FROM fleet.alerts
  WHERE entity_id = ? AND rule = ? AND kind = ? AND status = 'published'
    AND event_time > ?::timestamptz - ?::interval AND event_time <= ?::timestamptz);

-- name: mark
UPDATE fleet.alerts SET status = ?, sns_message_id = ?, published_at = now() WHERE alert_id = ?;

-- name: fail
-- SNS refused this alert's message itself (not the topic, not the service being down): kept with
-- SNS's answer for an operator, never retried.
UPDATE fleet.alerts SET status = 'failed', publish_error = ? WHERE alert_id = ?;
