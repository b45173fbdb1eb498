-- History partitions for the days a batch has fixes on, not for every day between its oldest and
-- newest: one fix stamped 2000-01-01 among today's made the old function create ~9,800 partitions in
-- one transaction. The jobs' MAX_EVENT_AGE (30 days by default) bounds the days a batch can hold;
-- past the cap here a batch fails, naming the days, rather than lock the table for an hour.
DROP FUNCTION fleet.ensure_history_partitions(timestamptz, timestamptz);

CREATE FUNCTION fleet.ensure_history_partitions(days date[])
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  max_new CONSTANT integer := 400;
  missing date[];
  day date;
BEGIN
  SELECT coalesce(array_agg(d ORDER BY d), '{}') INTO missing
  FROM unnest(days) AS d
  WHERE d IS NOT NULL
    AND to_regclass(format('fleet.%I', 'vehicle_position_history_' || to_char(d, 'YYYYMMDD'))) IS NULL;
  IF cardinality(missing) > max_new THEN
    RAISE EXCEPTION 'a batch of fixes needs % new day partitions of fleet.vehicle_position_history (% to %), more than % at once',
      cardinality(missing), missing[1], missing[cardinality(missing)], max_new
      USING ERRCODE = 'program_limit_exceeded',
            HINT = 'event times are bounded by the jobs'' MAX_EVENT_AGE; create the partitions beforehand for a larger backfill';
  END IF;
  FOREACH day IN ARRAY missing LOOP
    EXECUTE format('CREATE TABLE fleet.%I PARTITION OF fleet.vehicle_position_history FOR VALUES FROM (%L) TO (%L)',
                   'vehicle_position_history_' || to_char(day, 'YYYYMMDD'),
                   day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
  END LOOP;
  RETURN cardinality(missing);
END $$;
