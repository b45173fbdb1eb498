output "endpoint_services" {
  description = "The AWS services the jobs reach through endpoints (empty with create_endpoints = false)."
  value       = concat([for e in values(aws_vpc_endpoint.s3) : "s3"], [for k, e in aws_vpc_endpoint.interface : k])
}

output "endpoints_security_group_ids" {
  description = "Security group of the interface endpoints (none without them)."
  value       = [for g in values(aws_security_group.endpoints) : g.id]
}
