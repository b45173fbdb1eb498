-- Per UTC day: vehicles that made trips, the trips, their distance and time (from the combine job's
-- daily trip summary; a trip counts on the day it began).
-- name: trips_per_day
SELECT dt, count(*) AS vehicles, sum(trips) AS trips, round(sum(distance_km), 3) AS distance_km,
       round(sum(trip_minutes), 2) AS trip_minutes, max(longest_trip_km) AS longest_trip_km
FROM fleetstream_final.vehicle_daily_trips
GROUP BY dt
ORDER BY dt;
