output "streaming_job_names" {
  description = "The streaming Glue jobs."
  value       = [for j in aws_glue_job.streaming : j.name]
}

output "combine_job_name" {
  description = "The combine Glue job."
  value       = aws_glue_job.combine.name
}

output "crawler_names" {
  description = "Every crawler (each runs on crawler_schedule; start them once after the first runs)."
  value       = keys(aws_glue_crawler.this)
}

output "athena_workgroup" {
  description = "The analysts' Athena workgroup."
  value       = aws_athena_workgroup.analysts.name
}

output "role_arns" {
  description = "The roles the Glue jobs and crawlers run as, by kind (streaming, combine, crawler, login)."
  value       = { for k, r in aws_iam_role.this : k => r.arn }
}

output "job_names" {
  description = "All Glue jobs, for alarms."
  value       = concat([for j in aws_glue_job.streaming : j.name], [aws_glue_job.combine.name, aws_glue_job.writer_login.name])
}

output "writer_login_job_name" {
  description = "Run it once after the first apply, before the streaming jobs: it makes their PostgreSQL login."
  value       = aws_glue_job.writer_login.name
}

output "metrics_namespace" {
  description = "CloudWatch namespace the streaming jobs publish their metrics to."
  value       = var.metrics_namespace
}

output "consumer_lag_metrics" {
  description = "One \"job/stream\" per streaming job and stream it reads: the JobName and StreamName dimensions of its MillisBehindLatest metric."
  value       = flatten([for k, j in local.streaming_jobs : [for s in j.streams : "${aws_glue_job.streaming[k].name}/${s}"]])
}
