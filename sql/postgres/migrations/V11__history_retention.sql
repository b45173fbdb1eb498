-- Retention of the position history: a day partition wholly before the cutoff is detached and
-- dropped (the jobs call this with now - PG_HISTORY_RETENTION). Dropping a partition frees its space
-- at once and takes no row locks, unlike a DELETE.
CREATE FUNCTION fleet.drop_history_partitions_before(cutoff date)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  part text;
BEGIN
  FOR part IN
    SELECT c.relname
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'fleet.vehicle_position_history'::regclass
      AND c.relname ~ '^vehicle_position_history_[0-9]{8}$'
      AND to_date(right(c.relname, 8), 'YYYYMMDD') < cutoff
    ORDER BY c.relname
  LOOP
    EXECUTE format('ALTER TABLE fleet.vehicle_position_history DETACH PARTITION fleet.%I', part);
    EXECUTE format('DROP TABLE fleet.%I', part);
    RETURN NEXT part;
  END LOOP;
END $$;
