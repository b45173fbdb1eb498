output "worker_type" {
  description = "Glue worker type of the streaming jobs."
  value       = module.sizing.worker_type
}

output "streaming_workers" {
  description = "Workers per streaming job."
  value       = module.sizing.streaming_workers
}

output "location_shards" {
  description = "Shards of the location stream."
  value       = module.sizing.location_shards
}
