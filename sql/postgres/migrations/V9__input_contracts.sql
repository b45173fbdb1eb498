-- Every event records how it was read: the input contract (name@version) of its stream, whether its
-- id was derived (the record had none: see the jobs' EventIds) and whether its event time is the
-- record's Kinesis arrival (the record had none, and its contract allows that). Rows stored before
-- this release have no contract; their ids and times were their records' own.
ALTER TABLE fleet.vehicle_position_history
  ADD COLUMN contract text,
  ADD COLUMN event_id_derived boolean NOT NULL DEFAULT false,
  ADD COLUMN event_time_from_arrival boolean NOT NULL DEFAULT false;

ALTER TABLE fleet.sensor_threshold_breaches
  ADD COLUMN contract text,
  ADD COLUMN event_id_derived boolean NOT NULL DEFAULT false,
  ADD COLUMN event_time_from_arrival boolean NOT NULL DEFAULT false;

ALTER TABLE fleet_staging.location_events
  ADD COLUMN contract text,
  ADD COLUMN event_id_derived boolean,
  ADD COLUMN event_time_from_arrival boolean;

ALTER TABLE fleet_staging.sensor_events
  ADD COLUMN contract text,
  ADD COLUMN event_id_derived boolean,
  ADD COLUMN event_time_from_arrival boolean;
