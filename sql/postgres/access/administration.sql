-- Tenants, their assets and who may do what with them (V12), as an administrator of the database
-- keeps them: run as the tables' owner (the writer) or a superuser, from psql or the local run.
-- A principal is the token's subject (Cognito's "sub", the local issuer's subject).

-- Parameters: 1 tenant_id, 2 name
-- name: add_tenant
INSERT INTO fleet.tenants (tenant_id, name) VALUES (?, ?)
ON CONFLICT (tenant_id) DO UPDATE SET name = EXCLUDED.name;

-- A vehicle or sensor of a tenant, by the id its device sends.
-- Parameters: 1 asset_id, 2 tenant_id, 3 kind ('vehicle' or 'sensor')
-- name: add_asset
INSERT INTO fleet.assets (asset_id, tenant_id, kind) VALUES (?, ?, ?)
ON CONFLICT (asset_id) DO NOTHING;

-- Every vehicle that has sent a fix and belongs to no tenant yet, to one tenant (a first setup).
-- Parameters: 1 tenant_id
-- name: adopt_unassigned_vehicles
INSERT INTO fleet.assets (asset_id, tenant_id, kind)
SELECT vehicle_id, ?, 'vehicle' FROM fleet.vehicle_position_latest
ON CONFLICT (asset_id) DO NOTHING;

-- A role over one asset (or, for an administrator or operator, with a null asset, all of the
-- tenant's) from an instant until another; nulls for no bound.
-- Parameters: 1 principal, 2 role, 3 tenant_id, 4 asset_id, 5 valid_from, 6 valid_until
-- name: grant
INSERT INTO fleet.grants (principal, role, tenant_id, asset_id, valid_from, valid_until)
VALUES (?, ?, ?, ?, coalesce(?, '-infinity'::timestamptz), coalesce(?, 'infinity'::timestamptz))
RETURNING grant_id;
