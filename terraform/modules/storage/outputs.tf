output "bucket_ids" {
  description = "Bucket names by role: curated, final, artifacts, checkpoints."
  value       = { for k, b in aws_s3_bucket.this : k => b.id }
}

output "bucket_arns" {
  description = "Bucket ARNs by role."
  value       = { for k, b in aws_s3_bucket.this : k => b.arn }
}

output "kms_key_arn" {
  description = "The data key every bucket, stream, topic and queue is encrypted with."
  value       = aws_kms_key.data.arn
}
