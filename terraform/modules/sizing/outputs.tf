output "worker_type" {
  description = "Glue worker type of the streaming jobs for this fleet."
  value       = local.row.worker_type
}

output "streaming_workers" {
  description = "Workers per streaming job for this fleet (one of them the driver)."
  value       = local.row.streaming_workers
}

output "scheduled_workers" {
  description = "Workers (G.1X) per streaming job for this fleet with run_mode scheduled: enough to drain a run's 15 minutes in 5 and to hold the state."
  value       = local.row.scheduled_workers
}

output "location_shards" {
  description = "Shards of the location stream for this fleet (PROVISIONED)."
  value       = local.row.location_shards
}

output "postgres_storage_gb" {
  description = "RDS storage for this fleet: 90 days of position history (a row per fix), with room."
  value       = local.row.postgres_storage_gb
}
