data "aws_iam_policy_document" "assume_glue" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# One role per kind of work, each allowed only what its runs do: the streaming jobs, the combine job,
# the crawlers, the writer-login job.
resource "aws_iam_role" "this" {
  for_each           = toset(["streaming", "combine", "crawler", "login"])
  name               = "${var.name_prefix}-glue-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume_glue.json
  tags               = var.tags
}

data "aws_iam_policy_document" "streaming" {
  statement {
    sid       = "ReadStreams"
    actions   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"]
    resources = var.stream_arns
  }
  statement {
    sid       = "WriteOutputAndCheckpoints"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arns["curated"]}/*", "${var.bucket_arns["checkpoints"]}/*"]
  }
  statement {
    # the jar, the script, geofences and input contracts
    sid       = "ReadArtifacts"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns["artifacts"]}/*"]
  }
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns["curated"], var.bucket_arns["checkpoints"], var.bucket_arns["artifacts"]]
  }
  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "DatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.postgres_secret_arn]
  }
  statement {
    # the alert publisher; the topic's key is the data key above
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [var.alerts_topic_arn]
  }
  statement {
    sid       = "Connection"
    actions   = ["glue:GetConnection"]
    resources = ["${local.catalog_arn}:catalog", "${local.catalog_arn}:connection/${var.name_prefix}-postgres"]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws-glue/*"]
  }
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue", var.metrics_namespace]
    }
  }
  statement {
    sid       = "VpcConnection"
    actions   = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute", "ec2:CreateTags"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "combine" {
  statement {
    # the streams' Delta tables, read only; Delta looks for a table's log in every folder above it too
    sid       = "ReadStreamOutput"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns["curated"]}/*"]
  }
  statement {
    sid       = "WriteFinal"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arns["final"]}/*"]
  }
  statement {
    sid       = "WriteSparkEventLogs"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arns["checkpoints"]}/spark-event-logs/*"]
  }
  statement {
    sid       = "ReadArtifacts"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns["artifacts"]}/*"]
  }
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns["curated"], var.bucket_arns["final"], var.bucket_arns["artifacts"], var.bucket_arns["checkpoints"]]
  }
  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws-glue/*"]
  }
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue"]
    }
  }
}

data "aws_iam_policy_document" "crawler" {
  statement {
    sid       = "ReadTables"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns["curated"]}/*", "${var.bucket_arns["final"]}/*"]
  }
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns["curated"], var.bucket_arns["final"]]
  }
  statement {
    sid       = "DecryptData"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid     = "Catalog"
    actions = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions", "glue:CreatePartition", "glue:UpdatePartition", "glue:BatchCreatePartition", "glue:BatchUpdatePartition", "glue:BatchGetPartition"]
    resources = concat(["${local.catalog_arn}:catalog"],
      [for d in values(local.definitions.databases) : "${local.catalog_arn}:database/${d}"],
    [for d in values(local.definitions.databases) : "${local.catalog_arn}:table/${d}/*"])
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws-glue/crawlers*"]
  }
}

data "aws_iam_policy_document" "login" {
  statement {
    sid       = "ReadMasterSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.postgres_admin_secret_arn]
  }
  statement {
    sid       = "WriteLoginSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
    resources = compact([var.postgres_secret_arn, var.postgres_reader_secret_arn])
  }
  statement {
    sid       = "ReadArtifacts"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arns["artifacts"]}/*"]
  }
  statement {
    sid       = "WriteSparkEventLogs"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arns["checkpoints"]}/spark-event-logs/*"]
  }
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arns["artifacts"], var.bucket_arns["checkpoints"]]
  }
  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "Connection"
    actions   = ["glue:GetConnection"]
    resources = ["${local.catalog_arn}:catalog", "${local.catalog_arn}:connection/${var.name_prefix}-postgres"]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws-glue/*"]
  }
  statement {
    sid       = "VpcConnection"
    actions   = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute", "ec2:CreateTags"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "login" {
  name   = "${var.name_prefix}-glue-login"
  role   = aws_iam_role.this["login"].id
  policy = data.aws_iam_policy_document.login.json
}

resource "aws_iam_role_policy" "streaming" {
  name   = "${var.name_prefix}-glue-streaming"
  role   = aws_iam_role.this["streaming"].id
  policy = data.aws_iam_policy_document.streaming.json
}

resource "aws_iam_role_policy" "combine" {
  name   = "${var.name_prefix}-glue-combine"
  role   = aws_iam_role.this["combine"].id
  policy = data.aws_iam_policy_document.combine.json
}

resource "aws_iam_role_policy" "crawler" {
  name   = "${var.name_prefix}-glue-crawler"
  role   = aws_iam_role.this["crawler"].id
  policy = data.aws_iam_policy_document.crawler.json
}
