output "jdbc_url" {
  description = "What the jobs get as PG_JDBC_URL."
  value       = "jdbc:postgresql://${aws_db_instance.this.address}:${aws_db_instance.this.port}/${aws_db_instance.this.db_name}"
}

output "secret_arn" {
  description = "The master user's secret, which RDS generates and rotates (its ARN only, never the password); only the writer-login job reads it."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "writer_secret_arn" {
  description = "The streaming jobs' login secret, filled and rotated by the writer-login job."
  value       = aws_secretsmanager_secret.writer.arn
}

output "db_instance_arn" {
  description = "The RDS instance."
  value       = aws_db_instance.this.arn
}

output "glue_security_group_id" {
  description = "Security group for the Glue connection."
  value       = aws_security_group.glue.id
}

output "reader_secret_arn" {
  description = "The API's read-only login secret, filled and rotated by the writer-login job."
  value       = aws_secretsmanager_secret.reader.arn
}

output "api_security_group_id" {
  description = "Security group for the API's Lambda: PostgreSQL and HTTPS."
  value       = aws_security_group.api.id
}

output "db_instance_identifier" {
  description = "The RDS instance's identifier (its CloudWatch metrics' DBInstanceIdentifier)."
  value       = aws_db_instance.this.identifier
}

output "allocated_storage_gb" {
  description = "The storage the instance starts with, in GB."
  value       = aws_db_instance.this.allocated_storage
}
