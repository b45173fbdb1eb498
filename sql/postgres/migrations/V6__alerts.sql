-- Alerts the streaming jobs detect (threshold breaches held for N readings, geofence crossings), one
-- row per transition. The table is also the outbox of the SNS publisher: a row is published once,
-- or suppressed by the rate limit, and its status says which, so a replayed batch publishes nothing.
CREATE TABLE fleet.alerts (
  alert_id       text COLLATE "C" PRIMARY KEY, -- entity, rule, kind and event time: a replay finds it here
  job            text             NOT NULL,
  entity_id      text COLLATE "C" NOT NULL,
  rule           text COLLATE "C" NOT NULL,
  kind           text             NOT NULL,
  event_time     timestamptz      NOT NULL,
  event_id       text             NOT NULL,
  value          double precision,
  latitude       double precision,
  longitude      double precision,
  detail         text             NOT NULL,
  detected_at    timestamptz      NOT NULL DEFAULT now(),
  status         text             NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'published', 'suppressed', 'digested')),
  sns_message_id text,
  published_at   timestamptz
);

-- the publisher's queue, and the rate limit's lookup of the last message per entity and rule
CREATE INDEX alerts_pending ON fleet.alerts (job, event_time) WHERE status = 'pending';
CREATE INDEX alerts_published ON fleet.alerts (entity_id, rule, kind, event_time) WHERE status = 'published';

CREATE UNLOGGED TABLE fleet_staging.location_alerts (
  alert_id text COLLATE "C", entity_id text COLLATE "C", rule text COLLATE "C", kind text,
  event_time timestamptz, event_id text, value double precision, latitude double precision,
  longitude double precision, detail text,
  spark_partition integer NOT NULL
);

CREATE UNLOGGED TABLE fleet_staging.sensor_alerts (LIKE fleet_staging.location_alerts);

GRANT SELECT ON fleet.alerts TO analyst;
