output "crawler_names" {
  description = "Every Glue crawler: scheduled daily (crawler_schedule); scripts/deploy.sh first-runs starts them once."
  value       = module.glue.crawler_names
}

output "location_stream_name" {
  description = "Kinesis stream of GPS fixes."
  value       = module.kinesis.location_stream_name
}

output "sensor_stream_name" {
  description = "Kinesis stream of sensor readings."
  value       = module.kinesis.sensor_stream_name
}

output "bucket_names" {
  description = "Buckets by role; upload the jars to artifacts."
  value       = module.storage.bucket_ids
}

output "streaming_job_names" {
  description = "Streaming Glue jobs."
  value       = module.glue.streaming_job_names
}

output "combine_job_name" {
  description = "Combine Glue job."
  value       = module.glue.combine_job_name
}

output "final_data_topic_arn" {
  description = "Topic of the new-final-data emails."
  value       = module.notifier.topic_arn
}

output "ops_topic_arn" {
  description = "Topic of the alarms."
  value       = module.monitoring.ops_topic_arn
}

output "athena_workgroup" {
  description = "Analysts' Athena workgroup."
  value       = module.glue.athena_workgroup
}

output "postgres_jdbc_url" {
  description = "Reporting database (credentials in the secret)."
  value       = module.postgres.jdbc_url
}

output "postgres_secret_arn" {
  description = "Secret holding the generated database credentials."
  value       = module.postgres.secret_arn
}

output "glue_role_arns" {
  description = "Roles of the streaming jobs, the combine job and the crawlers, by kind."
  value       = module.glue.role_arns
}

output "writer_login_job_name" {
  description = "Run once after the first apply, before the streaming jobs (aws glue start-job-run --job-name ...)."
  value       = module.glue.writer_login_job_name
}

output "vpc_endpoint_services" {
  description = "AWS services the jobs reach through VPC endpoints (empty when a NAT gateway serves them)."
  value       = module.network.endpoint_services
}

output "api_url" {
  description = "The fleet API and the live map."
  value       = module.api.url
}

output "api_user_pool_id" {
  description = "Invite operators: aws cognito-idp admin-create-user --user-pool-id <this> --username <email>."
  value       = module.api.user_pool_id
}

output "api_oauth_url" {
  description = "The hosted UI the map signs operators in at (open api_url and sign in)."
  value       = module.api.oauth_url
}
