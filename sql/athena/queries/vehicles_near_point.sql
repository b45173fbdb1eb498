-- Vehicles seen within a radius of a point in a time range (haversine, mean Earth radius 6371.0088 km,
-- the same as the jobs). Parameters: 1 from, 2 to (timestamps), 3 latitude, 4 latitude again,
-- 5 longitude, 6 radius in km.
-- name: vehicles_near_point
SELECT vehicle_id, min(event_time) AS first_seen, max(event_time) AS last_seen, count(*) AS fixes
FROM fleetstream_streams.location_events
WHERE event_time >= ? AND event_time < ?
  AND 2 * 6371.0088 * asin(sqrt(
        power(sin(radians(latitude - ?) / 2), 2)
        + cos(radians(?)) * cos(radians(latitude)) * power(sin(radians(longitude - ?) / 2), 2))) <= ?
GROUP BY vehicle_id
ORDER BY vehicle_id;
