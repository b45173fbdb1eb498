-- Records that failed validation, as received.

-- name: quarantine
INSERT INTO fleet.quarantine (stream_name, sequence_number, partition_key, arrival_time, reason, payload)
SELECT stream_name, sequence_number, partition_key, arrival_time, reason, payload
FROM fleet_staging.location_quarantine
ON CONFLICT DO NOTHING;
