# Glue: catalog databases, crawlers (from crawlers/crawlers.json), the two streaming jobs, the combine
# job and its schedule, the PostgreSQL connection, Athena's workgroup, and the roles they run as.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  definitions  = jsondecode(file(var.crawlers_file))
  crawlers     = { for c in local.definitions.crawlers : c.name => c }
  jar          = "s3://${var.buckets["artifacts"]}/${var.jobs_jar_key}"
  placeholder  = "s3://${var.buckets["artifacts"]}/scripts/placeholder.scala"
  curated      = "s3://${var.buckets["curated"]}"
  checkpoints  = "s3://${var.buckets["checkpoints"]}"
  final        = "s3://${var.buckets["final"]}"
  bucket_paths = { curated = local.curated, final = local.final }
  catalog_arn  = "arn:aws:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"

  # A crawler names a table after its folder, plus the crawler's table_prefix: "delta/location/events"
  # with table "location_events" takes the prefix "location_", so both jobs' events tables stay apart
  table_folders  = { for name, c in local.crawlers : name => reverse(split("/", c.path))[0] }
  table_prefixes = { for name, c in local.crawlers : name => trimsuffix(c.table, local.table_folders[name]) }

  common_arguments = {
    "--job-language"        = "scala"
    "--extra-jars"          = local.jar
    "--datalake-formats"    = "delta"
    "--enable-metrics"      = "true"
    "--enable-auto-scaling" = "true"
    # AWS documents Glue's job metrics as written by a GlueContext, which these Java mains do not make
    # (knowledge-center/glue-job-metrics-cloudwatch): the streaming jobs publish their own to
    # METRICS_NAMESPACE. The Spark UI replays the event logs written here.
    "--enable-observability-metrics" = "true"
    "--enable-spark-ui"              = "true"
    "--spark-event-logs-path"        = "${local.checkpoints}/spark-event-logs/"
    "--AWS_REGION"                   = data.aws_region.current.name
  }
  streaming_arguments = merge(local.common_arguments, {
    "--KINESIS_ENDPOINT"         = "https://kinesis.${data.aws_region.current.name}.amazonaws.com"
    "--OUTPUT_PATH"              = local.curated
    "--TRIGGER_INTERVAL"         = var.trigger_interval
    "--WINDOWS_TRIGGER_INTERVAL" = var.windows_trigger_interval
    "--PG_JDBC_URL"              = var.postgres_jdbc_url
    "--PG_SECRET_ID"             = var.postgres_secret_arn
    "--PG_SSL_ROOT_CERT"         = local.postgres_ca_bundle
    "--ALERTS_TOPIC_ARN"         = var.alerts_topic_arn
    "--ALERT_MIN_INTERVAL"       = var.alert_min_interval
    "--METRICS_NAMESPACE"        = var.metrics_namespace
    "--DEDUP_STATE"              = var.dedup_state
    # a static setting, so it has to be given at launch: with Spark's 100 entries, three queries'
    # plans and their sinks' plans evicted each other and were recompiled every micro-batch
    "--conf" = "spark.sql.codegen.cache.maxEntries=2000"
  })
  artifacts = "s3://${var.buckets["artifacts"]}"
  # the CAs RDS's certificates chain to: the jobs connect with sslmode=verify-full
  postgres_ca_bundle = "${local.artifacts}/${var.postgres_ca_bundle_key}"
  streaming_jobs = {
    location = {
      class     = "com.fleetstream.jobs.LocationStreamingJob"
      streams   = [var.location_stream_name]
      contract  = var.location_contract_key
      arguments = var.geofences_key == null ? {} : { "--GEOFENCES" = "${local.artifacts}/${var.geofences_key}" }
    }
    sensor = {
      class     = "com.fleetstream.jobs.SensorStreamingJob"
      streams   = concat([var.sensor_stream_name], var.extra_sensor_stream_names)
      contract  = var.sensor_contract_key
      arguments = { "--ALERT_CONSECUTIVE_READINGS" = tostring(var.alert_consecutive_readings) }
    }
  }
}

resource "aws_glue_catalog_database" "this" {
  for_each = local.definitions.databases
  name     = each.value

  tags = var.tags
}

# the connection's zone is its subnet's: a zone given apart could name another, and Glue would fail the runs
data "aws_subnet" "connection" {
  id = var.connection_subnet_id
}

# A NETWORK connection: it places the jobs in the database's subnet and security group, nothing more.
# The jobs log in themselves, with the secret in PG_SECRET_ID, so a JDBC connection's credentials
# would go unused.
resource "aws_glue_connection" "postgres" {
  name            = "${var.name_prefix}-postgres"
  connection_type = "NETWORK"
  physical_connection_requirements {
    subnet_id              = var.connection_subnet_id
    availability_zone      = data.aws_subnet.connection.availability_zone
    security_group_id_list = [var.connection_security_group_id]
  }

  tags = var.tags
}

resource "aws_glue_job" "streaming" {
  for_each           = local.streaming_jobs
  name               = "${var.name_prefix}-${each.key}-streaming"
  role_arn           = aws_iam_role.this["streaming"].arn
  glue_version       = "5.0"
  worker_type        = var.worker_type
  number_of_workers  = var.streaming_workers
  connections        = [aws_glue_connection.postgres.name]
  maintenance_window = var.maintenance_window
  command {
    name            = "gluestreaming"
    script_location = local.placeholder
  }
  default_arguments = merge(local.streaming_arguments, each.value.arguments,
    length(each.value.streams) == 1 ? { "--STREAM_NAME" = each.value.streams[0] } : { "--STREAM_NAMES" = join(",", each.value.streams) },
    each.value.contract == null ? {} : { "--CONTRACT" = "${local.artifacts}/${each.value.contract}" },
    {
      "--class" = each.value.class
      # a checkpoint holds positions in its streams, and the job refuses it for any other: a job given
      # other streams starts on a checkpoint of its own
      "--CHECKPOINT_PATH" = "${local.checkpoints}/streaming/${join("+", each.value.streams)}"
  })
  execution_property {
    # one writer per Delta table and staging table
    max_concurrent_runs = 1
  }

  tags = var.tags
}

resource "aws_glue_job" "combine" {
  name              = "${var.name_prefix}-combine"
  role_arn          = aws_iam_role.this["combine"].arn
  glue_version      = "5.0"
  worker_type       = "G.1X"
  number_of_workers = 2
  timeout           = 60
  # an hourly run still going when the next is due: the next waits in Glue's queue instead of failing
  # with ConcurrentRunsExceededException
  job_run_queuing_enabled = true
  command {
    name            = "glueetl"
    script_location = local.placeholder
  }
  default_arguments = merge(local.common_arguments, {
    "--class"            = "com.fleetstream.jobs.CombineJob"
    "--INPUT_DELTA_PATH" = "${local.curated}/delta"
    "--FINAL_PATH"       = local.final
  })
  execution_property {
    max_concurrent_runs = 1
  }

  tags = var.tags
}

# Makes the streaming jobs' PostgreSQL login and the API's with the master user's secret (run it once
# after the first apply, before the streaming jobs), then rotates their passwords on a schedule.
resource "aws_glue_job" "writer_login" {
  name              = "${var.name_prefix}-writer-login"
  role_arn          = aws_iam_role.this["login"].arn
  glue_version      = "5.0"
  worker_type       = "G.1X"
  number_of_workers = 2
  timeout           = 15
  connections       = [aws_glue_connection.postgres.name]
  command {
    name            = "glueetl"
    script_location = local.placeholder
  }
  default_arguments = merge(local.common_arguments, {
    "--class"              = "com.fleetstream.jobs.WriterLoginJob"
    "--PG_JDBC_URL"        = var.postgres_jdbc_url
    "--PG_ADMIN_SECRET_ID" = var.postgres_admin_secret_arn
    "--PG_SECRET_ID"       = var.postgres_secret_arn
    "--PG_SSL_ROOT_CERT"   = local.postgres_ca_bundle
  }, var.postgres_reader_secret_arn == null ? {} : { "--PG_READER_SECRET_ID" = var.postgres_reader_secret_arn })
  execution_property {
    max_concurrent_runs = 1
  }

  tags = var.tags
}

resource "aws_glue_trigger" "writer_rotation" {
  name     = "${var.name_prefix}-writer-rotation"
  type     = "SCHEDULED"
  schedule = var.writer_rotation_schedule
  actions {
    job_name = aws_glue_job.writer_login.name
  }

  tags = var.tags
}

resource "aws_glue_trigger" "combine" {
  name     = "${var.name_prefix}-combine-schedule"
  type     = "SCHEDULED"
  schedule = var.combine_schedule
  actions {
    job_name = aws_glue_job.combine.name
  }

  tags = var.tags
}

resource "aws_glue_crawler" "this" {
  for_each      = local.crawlers
  name          = each.key
  database_name = aws_glue_catalog_database.this[each.value.database].name
  table_prefix  = local.table_prefixes[each.key] == "" ? null : local.table_prefixes[each.key]
  role          = aws_iam_role.this["crawler"].arn
  # Athena reads a native Delta table's log itself: a crawl makes the table and follows its schema. The
  # quarantine's Parquet gets its new dt=/hour= partitions by a crawl. Each run bills 10 minutes at
  # least, so once a day, after the night's combine runs; docs/deploy.md's first-run steps start them once.
  schedule = var.crawler_schedule

  lifecycle {
    precondition {
      condition     = endswith(each.value.table, local.table_folders[each.key])
      error_message = "crawlers.json: table ${each.value.table} must end with its folder's name (${local.table_folders[each.key]}): Glue names a crawled table after its folder."
    }
  }

  dynamic "delta_target" {
    for_each = each.value.format == "delta" ? [each.value] : []
    content {
      delta_tables              = ["${local.bucket_paths[delta_target.value.bucket]}/${delta_target.value.path}"]
      create_native_delta_table = local.definitions.delta.create_native_delta_table
      write_manifest            = local.definitions.delta.write_manifest
    }
  }

  dynamic "s3_target" {
    for_each = each.value.format == "parquet" ? [each.value] : []
    content {
      path       = "${local.bucket_paths[s3_target.value.bucket]}/${s3_target.value.path}"
      exclusions = local.definitions.parquet.exclusions
    }
  }

  dynamic "recrawl_policy" {
    for_each = each.value.format == "parquet" ? [1] : []
    content {
      recrawl_behavior = local.definitions.parquet.recrawl_behavior
    }
  }

  dynamic "schema_change_policy" {
    for_each = each.value.format == "parquet" ? [1] : []
    content {
      update_behavior = local.definitions.parquet.update_behavior
      delete_behavior = local.definitions.parquet.delete_behavior
    }
  }

  configuration = each.value.format == "parquet" ? jsonencode(local.definitions.parquet.configuration) : null
  tags          = var.tags
}

resource "aws_athena_workgroup" "analysts" {
  name = "${var.name_prefix}-analysts"
  configuration {
    enforce_workgroup_configuration = true
    result_configuration {
      output_location = "${local.curated}/athena-results/"
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}

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
