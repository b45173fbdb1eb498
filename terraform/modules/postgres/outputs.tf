output "jdbc_url" {
  description = "What the jobs get as PG_JDBC_URL."
  value       = "jdbc:postgresql://${aws_db_instance.this.address}:${aws_db_instance.this.port}/${aws_db_instance.this.db_name}"
}

output "secret_arn" {
  description = "The generated credentials' secret (its ARN only, never the password)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "glue_security_group_id" {
  description = "Security group for the Glue connection."
  value       = aws_security_group.glue.id
}
