output "location_stream_name" {
  description = "GPS fixes."
  value       = aws_kinesis_stream.this["locations"].name
}

output "sensor_stream_name" {
  description = "Sensor readings."
  value       = aws_kinesis_stream.this["sensors"].name
}

output "stream_arns" {
  description = "Stream ARNs by name."
  value       = { for k, s in aws_kinesis_stream.this : s.name => s.arn }
}
