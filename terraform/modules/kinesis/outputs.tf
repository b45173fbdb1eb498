output "location_stream_name" {
  description = "GPS fixes."
  value       = aws_kinesis_stream.this["locations"].name
}

output "sensor_stream_name" {
  description = "Sensor readings."
  value       = aws_kinesis_stream.this["sensors"].name
}

output "extra_sensor_stream_names" {
  description = "The further sensor streams, in the order of extra_sensor_streams."
  value       = [for suffix in var.extra_sensor_streams : aws_kinesis_stream.this["sensors-${suffix}"].name]
}

output "stream_arns" {
  description = "Stream ARNs by name."
  value       = { for k, s in aws_kinesis_stream.this : s.name => s.arn }
}
