output "topic_arn" {
  description = "The final-data topic emails go out on."
  value       = aws_sns_topic.final_data.arn
}

output "function_name" {
  description = "The notifier Lambda."
  value       = aws_lambda_function.notifier.function_name
}

output "dead_letter_queue_name" {
  description = "Events the notifier failed on."
  value       = aws_sqs_queue.failed.name
}

output "alerts_topic_arn" {
  description = "The topic the streaming jobs publish alerts to."
  value       = aws_sns_topic.alerts.arn
}
