# docs/sizing.md's table as defaults: for a fleet size, the streaming jobs' Glue worker type and
# count, the location stream's shards and the RDS storage 90 days of position history take. Written by
# scripts/sizing.sh (com.fleetstream.terraform.Sizing) from the measured figures
# (benchmarks/results/latest-capacity.json, latest-state.json, latest-postgres.json); SizingTest holds
# this table to them.
locals {
  table = [
    { vehicles = 1000, worker_type = "G.025X", streaming_workers = 2, scheduled_workers = 2, location_shards = 1, postgres_storage_gb = 490 },
    { vehicles = 10000, worker_type = "G.025X", streaming_workers = 3, scheduled_workers = 3, location_shards = 3, postgres_storage_gb = 4850 },
    { vehicles = 100000, worker_type = "G.1X", streaming_workers = 5, scheduled_workers = 16, location_shards = 25, postgres_storage_gb = 48450 }
  ]
  row = [for r in local.table : r if r.vehicles >= var.fleet_vehicles][0]
}
