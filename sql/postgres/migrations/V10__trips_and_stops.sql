-- Trips and stops the location job detects per vehicle (see the README's "Trips and stops"). A row is
-- written once its trip or stop has ended; its id is the vehicle, the kind and the start time, so a
-- replayed batch replaces the row with the same values.
CREATE TABLE fleet.trips (
  trip_id          text COLLATE "C" PRIMARY KEY,
  vehicle_id       text COLLATE "C" NOT NULL,
  start_time       timestamptz      NOT NULL,
  end_time         timestamptz      NOT NULL,
  start_latitude   double precision NOT NULL,
  start_longitude  double precision NOT NULL,
  end_latitude     double precision NOT NULL,
  end_longitude    double precision NOT NULL,
  duration_minutes double precision NOT NULL,
  distance_km      double precision NOT NULL,
  moving_minutes   double precision NOT NULL,
  idle_minutes     double precision NOT NULL,
  avg_speed_kmh    double precision NOT NULL,
  max_speed_kmh    double precision NOT NULL,
  fix_count        integer          NOT NULL,
  ended_by         text             NOT NULL CHECK (ended_by IN ('parking', 'ignition', 'gap'))
);
-- a vehicle's trips on a day
CREATE INDEX trips_vehicle_start ON fleet.trips (vehicle_id, start_time);

CREATE TABLE fleet.stops (
  stop_id          text COLLATE "C" PRIMARY KEY,
  vehicle_id       text COLLATE "C" NOT NULL,
  start_time       timestamptz      NOT NULL,
  end_time         timestamptz      NOT NULL,
  duration_minutes double precision NOT NULL,
  latitude         double precision NOT NULL,
  longitude        double precision NOT NULL,
  geofence_id      text
);
CREATE INDEX stops_vehicle_start ON fleet.stops (vehicle_id, start_time);
-- the longest stops over a time range
CREATE INDEX stops_start_duration ON fleet.stops (start_time, duration_minutes);

CREATE UNLOGGED TABLE fleet_staging.location_trips (
  LIKE fleet.trips,
  spark_partition integer NOT NULL
);

CREATE UNLOGGED TABLE fleet_staging.location_stops (
  LIKE fleet.stops,
  spark_partition integer NOT NULL
);

GRANT SELECT ON fleet.trips, fleet.stops TO analyst;
