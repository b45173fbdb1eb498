output "endpoint_services" {
  description = "The services the subnets now reach privately."
  value       = module.network.endpoint_services
}

output "security_group_ids" {
  description = "The jobs' and the API's security groups, which the endpoints admit."
  value       = { jobs = aws_security_group.jobs.id, api = aws_security_group.api.id }
}
