-- Reporting tables the streaming jobs write and analysts read. All times are timestamptz (UTC in,
-- shown in the reader's zone).
CREATE SCHEMA IF NOT EXISTS fleet;

-- One row per committed micro-batch of a streaming query, written in the same transaction as the
-- batch's rows: a batch found here is already in every table, so a replay is a no-op.
-- query_id is the streaming query's id, kept in its checkpoint; a new checkpoint counts batches
-- from 0 again under a new id.
CREATE TABLE fleet.batch_ledger (
  job          text        NOT NULL,
  query_id     uuid        NOT NULL,
  batch_id     bigint      NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now(),
  counts       jsonb       NOT NULL,
  PRIMARY KEY (job, query_id, batch_id)
);

-- Every accepted GPS fix, one partition per UTC day (created by the writer as days arrive).
-- The primary key doubles as the index for "vehicle X between t1 and t2".
CREATE TABLE fleet.vehicle_position_history (
  vehicle_id     text             NOT NULL,
  event_time     timestamptz      NOT NULL,
  event_id       text             NOT NULL,
  latitude       double precision NOT NULL,
  longitude      double precision NOT NULL,
  speed_kmh      double precision,
  heading        double precision,
  altitude_m     double precision,
  accuracy_m     double precision,
  fuel_level_pct double precision,
  engine_status  text,
  arrival_time   timestamptz      NOT NULL,
  PRIMARY KEY (vehicle_id, event_time, event_id)
) PARTITION BY RANGE (event_time);

CREATE FUNCTION fleet.ensure_history_partitions(from_time timestamptz, to_time timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  day date;
  created integer := 0;
BEGIN
  IF from_time IS NULL THEN
    RETURN 0;
  END IF;
  FOR day IN SELECT generate_series((from_time AT TIME ZONE 'UTC')::date, (to_time AT TIME ZONE 'UTC')::date,
                                    interval '1 day')::date LOOP
    IF to_regclass(format('fleet.%I', 'vehicle_position_history_' || to_char(day, 'YYYYMMDD'))) IS NULL THEN
      EXECUTE format('CREATE TABLE fleet.%I PARTITION OF fleet.vehicle_position_history FOR VALUES FROM (%L) TO (%L)',
                     'vehicle_position_history_' || to_char(day, 'YYYYMMDD'),
                     day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;

-- The newest fix per vehicle by event time; a fix that arrives late never replaces a newer one.
CREATE TABLE fleet.vehicle_position_latest (
  vehicle_id     text             PRIMARY KEY,
  event_time     timestamptz      NOT NULL,
  event_id       text             NOT NULL,
  latitude       double precision NOT NULL,
  longitude      double precision NOT NULL,
  speed_kmh      double precision,
  heading        double precision,
  engine_status  text,
  updated_at     timestamptz      NOT NULL DEFAULT now()
);

CREATE TABLE fleet.vehicle_window_stats (
  vehicle_id       text             NOT NULL,
  window_start     timestamptz      NOT NULL,
  window_end       timestamptz      NOT NULL,
  fix_count        bigint           NOT NULL,
  distance_km      double precision NOT NULL,
  avg_speed_kmh    double precision,
  max_speed_kmh    double precision,
  idle_minutes     double precision NOT NULL,
  driving_minutes  double precision NOT NULL,
  first_event_time timestamptz      NOT NULL,
  first_latitude   double precision NOT NULL,
  first_longitude  double precision NOT NULL,
  last_event_time  timestamptz      NOT NULL,
  last_latitude    double precision NOT NULL,
  last_longitude   double precision NOT NULL,
  PRIMARY KEY (vehicle_id, window_start)
);
CREATE INDEX vehicle_window_stats_day ON fleet.vehicle_window_stats (window_start);

CREATE TABLE fleet.sensor_window_stats (
  sensor_id     text             NOT NULL,
  device_id     text             NOT NULL,
  metric        text             NOT NULL,
  unit          text,
  window_start  timestamptz      NOT NULL,
  window_end    timestamptz      NOT NULL,
  reading_count bigint           NOT NULL,
  min_value     double precision,
  max_value     double precision,
  avg_value     double precision,
  breach_count  bigint           NOT NULL,
  PRIMARY KEY (sensor_id, metric, window_start)
);

CREATE TABLE fleet.sensor_threshold_breaches (
  sensor_id  text             NOT NULL,
  event_time timestamptz      NOT NULL,
  event_id   text             NOT NULL,
  device_id  text             NOT NULL,
  vehicle_id text,
  metric     text             NOT NULL,
  value      double precision NOT NULL,
  unit       text,
  breach     text             NOT NULL CHECK (breach IN ('above', 'below')),
  latitude   double precision,
  longitude  double precision,
  PRIMARY KEY (sensor_id, event_time, event_id)
);
CREATE INDEX sensor_threshold_breaches_time ON fleet.sensor_threshold_breaches (event_time);

-- Records that failed validation, with the reason and the payload exactly as received.
CREATE TABLE fleet.quarantine (
  stream_name     text        NOT NULL,
  sequence_number text        NOT NULL,
  partition_key   text,
  arrival_time    timestamptz NOT NULL,
  reason          text        NOT NULL,
  payload         text,
  PRIMARY KEY (stream_name, sequence_number)
);
CREATE INDEX quarantine_reason ON fleet.quarantine (reason, arrival_time);
