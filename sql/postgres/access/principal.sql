-- The API's side of access control (V12): it scopes each request's transaction to the token's
-- subject, then reads as usual; row-level security shows only what fleet.grants give that principal.

-- Scopes the transaction to a principal. Transaction-local, so a pooled connection keeps nothing.
-- Parameters: 1 principal
-- name: as_principal
SELECT set_config('fleet.principal', ?, true);

-- Does the principal hold a grant to read the vehicle over part of a range? No answers the same as a
-- vehicle that does not exist.
-- Parameters: 1 vehicle_id, 2 to (exclusive), 3 from (inclusive)
-- name: readable_vehicle
SELECT EXISTS (
  SELECT FROM fleet.readable
  WHERE asset_id = ? AND valid_from < ? AND valid_until > ?
);

-- Which of these ids the principal may send fixes as, at an instant (the arrival).
-- Parameters: 1 ids (text[]), 2 and 3 the instant
-- name: sendable_assets
SELECT DISTINCT asset_id
FROM fleet.sendable
WHERE asset_id = ANY (?) AND valid_from <= ? AND valid_until > ?;
