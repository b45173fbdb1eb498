-- The PostgreSQL benchmark's ceiling: the sink's parallel, key-ordered binary COPY straight into a
-- logged table with vehicle_position_history's primary key, and no move. What no writer of that table
-- can beat on the machine; the moves, conflict handling and one-transaction visibility come on top.
-- staging order: vehicle_id, event_time, event_id

-- name: moved
SELECT 0;
