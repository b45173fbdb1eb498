output "location_stream_name" {
  description = "Where the vehicles' fixes go."
  value       = module.kinesis.location_stream_name
}

output "sensor_stream_name" {
  description = "Where the sensors' readings go."
  value       = module.kinesis.sensor_stream_name
}

output "kms_key_arn" {
  description = "The key producers need kms:GenerateDataKey on."
  value       = module.storage.kms_key_arn
}
