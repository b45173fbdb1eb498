# The pipeline's buckets and the KMS key everything is encrypted with.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  # versioned: data someone may need to roll back (final output) or redeploy (artifacts)
  buckets = {
    curated     = { versioned = false }
    final       = { versioned = true }
    artifacts   = { versioned = true }
    checkpoints = { versioned = false }
  }
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "KeyAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  statement {
    sid       = "AlarmsPublishingToEncryptedTopics"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    # only for this account's alarms (the confused-deputy guard AWS recommends)
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
  statement {
    # EventBridge's requests to KMS carry no aws:SourceAccount, so a condition on it would drop every
    # rule's delivery to an encrypted topic; SNS names its topic in the encryption context instead
    # (kms:EncryptionContext:aws:sns:topicArn): only this pipeline's topics in this account.
    sid       = "RulesPublishingToEncryptedTopics"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = ["arn:aws:sns:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:${var.name_prefix}-*"]
    }
  }
}

resource "aws_kms_key" "data" {
  description         = "${var.name_prefix} data at rest"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = var.tags
}

resource "aws_kms_alias" "data" {
  name          = "alias/${var.name_prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets
  bucket   = "${var.name_prefix}-${each.key}-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}"
  tags     = var.tags

  lifecycle {
    precondition {
      condition     = length("${var.name_prefix}-${each.key}-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}") <= 63
      error_message = "The bucket name for ${each.key} would be longer than S3's 63 characters: shorten name_prefix."
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = aws_s3_bucket.this
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = { for k, v in local.buckets : k => v if v.versioned }
  bucket   = aws_s3_bucket.this[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  rule {
    id     = "history"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.history_retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = var.history_retention_days
    }
  }
  # the streams' raw Parquet copies expire; their Delta tables (delta/) keep everything, VACUUMed by the
  # jobs, and checkpoints are cleaned by Spark itself (an old state file may still be the latest)
  dynamic "rule" {
    for_each = each.key == "curated" ? toset(["location/", "sensor/"]) : toset([])
    content {
      id     = "expire-raw-parquet-${trimsuffix(rule.value, "/")}"
      status = "Enabled"
      filter {
        prefix = rule.value
      }
      expiration {
        days = var.raw_parquet_retention_days
      }
    }
  }
  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "tls_only" {
  for_each = aws_s3_bucket.this
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value.arn, "${each.value.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  for_each   = aws_s3_bucket.this
  bucket     = each.value.id
  policy     = data.aws_iam_policy_document.tls_only[each.key].json
  depends_on = [aws_s3_bucket_public_access_block.this]
}
