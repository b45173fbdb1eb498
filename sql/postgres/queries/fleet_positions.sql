-- Where is every vehicle now? Each one's newest fix by event time (the live map's markers), a page
-- at a time in vehicle id order, optionally within a box (a map's view).
-- Parameters: 1 to 4 the box's west, east, south and north in degrees (all null for no box; a box
-- across the antimeridian has west > east), 5 the last vehicle id of the page before ('' for the
-- first page), 6 rows per page

-- name: fleet_positions
WITH box AS (SELECT CAST(? AS double precision) AS west, CAST(? AS double precision) AS east,
                    CAST(? AS double precision) AS south, CAST(? AS double precision) AS north)
SELECT l.vehicle_id, l.event_time, l.event_id, l.latitude, l.longitude, l.speed_kmh, l.heading, l.engine_status
FROM fleet.vehicle_position_latest l, box
WHERE (box.west IS NULL
       OR l.latitude BETWEEN box.south AND box.north
          AND CASE WHEN box.west <= box.east THEN l.longitude BETWEEN box.west AND box.east
                   ELSE l.longitude >= box.west OR l.longitude <= box.east END)
  AND l.vehicle_id > ?
ORDER BY l.vehicle_id
LIMIT ?;
