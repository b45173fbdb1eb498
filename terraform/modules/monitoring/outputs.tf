output "ops_topic_arn" {
  description = "Where alarms go."
  value       = aws_sns_topic.ops.arn
}

output "restart_state_machine_arn" {
  description = "Starts a failed streaming job again; its executions are the restarts."
  value       = aws_sfn_state_machine.restart.arn
}
