# Glue: catalog databases, crawlers (from crawlers/crawlers.json), the two streaming jobs, the combine
# job and its schedule, the PostgreSQL connection, Athena's workgroup, and the roles they run as:
# catalog.tf, jobs.tf and iam.tf; here what they share.
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
