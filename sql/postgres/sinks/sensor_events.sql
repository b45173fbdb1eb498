-- Readings outside their thresholds. Append-only: the batch ledger already makes a replay a no-op;
-- only a reading repeated beyond the deduplication watermark is already stored, and then the batch
-- runs the ON CONFLICT form. Each Spark partition stages its readings in the table's key order:
-- staging order: sensor_id, event_time, event_id

-- name: sensor_threshold_breaches
INSERT INTO fleet.sensor_threshold_breaches (sensor_id, event_time, event_id, device_id, vehicle_id, metric,
  value, unit, breach, latitude, longitude, contract, event_id_derived, event_time_from_arrival)
SELECT sensor_id, event_time, event_id, device_id, vehicle_id, metric, value, unit, breach, latitude, longitude,
  contract, event_id_derived, event_time_from_arrival
FROM fleet_staging.sensor_events;
-- on unique_violation:
INSERT INTO fleet.sensor_threshold_breaches (sensor_id, event_time, event_id, device_id, vehicle_id, metric,
  value, unit, breach, latitude, longitude, contract, event_id_derived, event_time_from_arrival)
SELECT sensor_id, event_time, event_id, device_id, vehicle_id, metric, value, unit, breach, latitude, longitude,
  contract, event_id_derived, event_time_from_arrival
FROM fleet_staging.sensor_events
ON CONFLICT DO NOTHING;
