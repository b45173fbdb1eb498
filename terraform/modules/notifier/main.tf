# The notifier: S3 manifest object -> Lambda (Java 17, SnapStart on the "live" alias) -> SNS email.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

resource "aws_sns_topic" "final_data" {
  name              = "${var.name_prefix}-final-data"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.email_subscribers)
  topic_arn = aws_sns_topic.final_data.arn
  protocol  = "email"
  endpoint  = each.value
}

# Real-time alerts of the streaming jobs (threshold breaches, geofence crossings), apart from the
# final-data emails: other readers, other volume.
resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}-alerts"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "alert_email" {
  for_each  = toset(var.alert_email_subscribers)
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sqs_queue" "failed" {
  name                      = "${var.name_prefix}-notifier-failed"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_cloudwatch_log_group" "notifier" {
  name              = "/aws/lambda/${var.name_prefix}-notifier"
  retention_in_days = 30
  tags              = var.tags
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "notifier" {
  name               = "${var.name_prefix}-notifier"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
  tags               = var.tags
}

data "aws_iam_policy_document" "notifier" {
  statement {
    sid       = "ReadManifests"
    actions   = ["s3:GetObject"]
    resources = ["${var.final_bucket_arn}/${var.manifest_prefix}*", "${var.final_bucket_arn}/_notifier/*"]
  }
  statement {
    # with ListBucket, S3 answers a missing object with 404 NoSuchKey instead of 403 AccessDenied. Not
    # narrowed by s3:prefix: a GetObject carries no prefix for such a condition to match. The keys it
    # lists are the final tables' file names, which the manifests it reads name anyway.
    sid       = "ListFinalBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.final_bucket_arn]
  }
  statement {
    sid       = "PublicationClaims"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.final_bucket_arn}/_notifier/*"]
  }
  statement {
    sid       = "Publish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.final_data.arn]
  }
  statement {
    sid       = "OnFailure"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed.arn]
  }
  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.notifier.arn}:*"]
  }
}

resource "aws_iam_role_policy" "notifier" {
  name   = "${var.name_prefix}-notifier"
  role   = aws_iam_role.notifier.id
  policy = data.aws_iam_policy_document.notifier.json
}

locals {
  # A claim older than the timeout belongs to an invocation Lambda ended; it must be stale by Lambda's
  # first retry (a minute after that invocation failed), or both retries find it held and the email
  # goes to the failure queue instead of out.
  timeout_seconds = 60
}

resource "aws_lambda_function" "notifier" {
  function_name = "${var.name_prefix}-notifier"
  role          = aws_iam_role.notifier.arn
  runtime       = "java17"
  handler       = "com.fleetstream.notifier.Handler::handleRequest"
  s3_bucket     = var.artifacts_bucket
  s3_key        = var.lambda_jar_key
  # a new jar at the same key changes the hash: Terraform updates the code, publishes a version and
  # moves the SnapStart alias to it
  source_code_hash = var.lambda_jar_sha256
  memory_size      = 512
  timeout          = local.timeout_seconds
  publish          = true

  snap_start {
    apply_on = "PublishedVersions"
  }

  environment {
    variables = {
      TOPIC_ARN           = aws_sns_topic.final_data.arn
      MANIFEST_PREFIX     = var.manifest_prefix
      MANIFEST_SUFFIX     = var.manifest_suffix
      ATHENA_DATABASE     = var.athena_database
      STALE_CLAIM_SECONDS = tostring(local.timeout_seconds + 5)
    }
  }

  depends_on = [aws_cloudwatch_log_group.notifier]
  tags       = var.tags
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.notifier.function_name
  function_version = aws_lambda_function.notifier.version
}

resource "aws_lambda_function_event_invoke_config" "live" {
  function_name          = aws_lambda_function.notifier.function_name
  qualifier              = aws_lambda_alias.live.name
  maximum_retry_attempts = 2
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed.arn
    }
  }
}

resource "aws_lambda_permission" "s3" {
  statement_id   = "FinalBucketObjectCreated"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.notifier.function_name
  qualifier      = aws_lambda_alias.live.name
  principal      = "s3.amazonaws.com"
  source_arn     = var.final_bucket_arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_s3_bucket_notification" "final" {
  bucket = var.final_bucket
  lambda_function {
    lambda_function_arn = aws_lambda_alias.live.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.manifest_prefix
    filter_suffix       = var.manifest_suffix
  }
  depends_on = [aws_lambda_permission.s3]
}
