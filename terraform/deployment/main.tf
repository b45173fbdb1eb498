# The whole pipeline in one account: every environment applies this root with its own
# envs/<env>/terraform.tfvars and envs/<env>/backend.hcl (scripts/deploy.sh <env>).
provider "aws" {
  region = var.region
  # the Glue catalog's databases and the crawlers are named per account, not per environment: one
  # environment per account, and a plan in the wrong account stops before it changes anything
  allowed_account_ids = var.allowed_account_ids
  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

locals {
  name_prefix = "fleetstream-${var.environment}"
  tags        = merge(var.tags, { project = "fleetstream", environment = var.environment })
}

module "storage" {
  source                     = "../modules/storage"
  name_prefix                = local.name_prefix
  history_retention_days     = var.history_retention_days
  raw_parquet_retention_days = var.raw_parquet_retention_days
  tags                       = local.tags
}

# workers and shards for the fleet, from docs/sizing.md's table, where the variables leave them unset
module "sizing" {
  source         = "../modules/sizing"
  fleet_vehicles = var.fleet_vehicles
}

module "kinesis" {
  source               = "../modules/kinesis"
  name_prefix          = local.name_prefix
  stream_mode          = var.kinesis_stream_mode
  location_shards      = coalesce(var.kinesis_location_shards, module.sizing.location_shards)
  sensor_shards        = var.kinesis_sensor_shards
  extra_sensor_streams = var.kinesis_extra_sensor_streams
  retention_hours      = var.kinesis_retention_hours
  kms_key_arn          = module.storage.kms_key_arn
  tags                 = local.tags
}

module "postgres" {
  source               = "../modules/postgres"
  name_prefix          = local.name_prefix
  vpc_id               = var.vpc_id
  subnet_ids           = var.private_subnet_ids
  instance_class       = var.postgres_instance_class
  allocated_storage_gb = coalesce(var.postgres_storage_gb, module.sizing.postgres_storage_gb)
  multi_az             = var.postgres_multi_az
  analyst_cidr_blocks  = var.analyst_cidr_blocks
  kms_key_arn          = module.storage.kms_key_arn
  tags                 = local.tags
}

module "network" {
  source                 = "../modules/network"
  name_prefix            = local.name_prefix
  vpc_id                 = var.vpc_id
  subnet_ids             = var.private_subnet_ids
  route_table_ids        = var.private_route_table_ids
  jobs_security_group_id = module.postgres.glue_security_group_id
  api_security_group_id  = module.postgres.api_security_group_id
  create_endpoints       = var.create_vpc_endpoints
  tags                   = local.tags
}

module "glue" {
  source                       = "../modules/glue"
  name_prefix                  = local.name_prefix
  buckets                      = module.storage.bucket_ids
  bucket_arns                  = module.storage.bucket_arns
  kms_key_arn                  = module.storage.kms_key_arn
  location_stream_name         = module.kinesis.location_stream_name
  sensor_stream_name           = module.kinesis.sensor_stream_name
  extra_sensor_stream_names    = module.kinesis.extra_sensor_stream_names
  stream_arns                  = values(module.kinesis.stream_arns)
  worker_type                  = coalesce(var.glue_worker_type, module.sizing.worker_type)
  streaming_workers            = coalesce(var.glue_streaming_workers, var.glue_run_mode == "scheduled" ? module.sizing.scheduled_workers : module.sizing.streaming_workers)
  run_mode                     = var.glue_run_mode
  run_schedule                 = var.glue_run_schedule
  maintenance_window           = var.glue_maintenance_window
  dedup_state                  = var.glue_dedup_state
  combine_schedule             = var.combine_schedule
  crawler_schedule             = var.crawler_schedule
  postgres_jdbc_url            = module.postgres.jdbc_url
  postgres_admin_secret_arn    = module.postgres.secret_arn
  postgres_secret_arn          = module.postgres.writer_secret_arn
  postgres_reader_secret_arn   = module.postgres.reader_secret_arn
  connection_subnet_id         = var.private_subnet_ids[0]
  connection_security_group_id = module.postgres.glue_security_group_id
  crawlers_file                = "${path.root}/../../crawlers/crawlers.json"
  alerts_topic_arn             = module.notifier.alerts_topic_arn
  geofences_key                = var.geofences_key
  postgres_ca_bundle_key       = var.postgres_ca_bundle_key
  location_contract_key        = var.location_contract_key
  sensor_contract_key          = var.sensor_contract_key
  tags                         = local.tags
}

module "notifier" {
  source           = "../modules/notifier"
  name_prefix      = local.name_prefix
  final_bucket     = module.storage.bucket_ids["final"]
  final_bucket_arn = module.storage.bucket_arns["final"]
  artifacts_bucket = module.storage.bucket_ids["artifacts"]
  # the jar `mvn package` built, which is the one to upload to lambda_jar_key before applying
  lambda_jar_sha256       = filebase64sha256("${path.root}/../../lambda-notifier/target/fleetstream-notifier-lambda.jar")
  email_subscribers       = var.email_subscribers
  alert_email_subscribers = var.alert_email_subscribers
  kms_key_arn             = module.storage.kms_key_arn
  tags                    = local.tags
}

module "api" {
  source                = "../modules/api"
  name_prefix           = local.name_prefix
  openapi_file          = "${path.root}/../../api/src/main/resources/openapi.json"
  cognito_domain_prefix = "${local.name_prefix}-${data.aws_caller_identity.current.account_id}"
  artifacts_bucket      = module.storage.bucket_ids["artifacts"]
  artifacts_bucket_arn  = module.storage.bucket_arns["artifacts"]
  # the jar `mvn package` built, which is the one to upload to lambda_jar_key before applying
  lambda_jar_sha256      = filebase64sha256("${path.root}/../../api/target/fleetstream-api-lambda.jar")
  subnet_ids             = var.private_subnet_ids
  security_group_id      = module.postgres.api_security_group_id
  postgres_jdbc_url      = module.postgres.jdbc_url
  postgres_secret_arn    = module.postgres.reader_secret_arn
  location_stream_name   = module.kinesis.location_stream_name
  location_stream_arn    = module.kinesis.stream_arns[module.kinesis.location_stream_name]
  kms_key_arn            = module.storage.kms_key_arn
  geofences_key          = var.geofences_key
  postgres_ca_bundle_key = var.postgres_ca_bundle_key
  max_concurrency        = var.api_max_concurrency
  tags                   = local.tags
  # the endpoints the API reaches Secrets Manager, Kinesis and S3 through exist before its first version answers
  depends_on = [module.network]
}

module "monitoring" {
  source                       = "../modules/monitoring"
  name_prefix                  = local.name_prefix
  job_names                    = module.glue.job_names
  streaming_job_names          = module.glue.streaming_job_names
  stream_names                 = concat([module.kinesis.location_stream_name, module.kinesis.sensor_stream_name], module.kinesis.extra_sensor_stream_names)
  metrics_namespace            = module.glue.metrics_namespace
  consumer_lag_metrics         = module.glue.consumer_lag_metrics
  lambda_function_name         = module.notifier.function_name
  api_function_name            = module.api.function_name
  api_id                       = module.api.api_id
  dead_letter_queue_name       = module.notifier.dead_letter_queue_name
  postgres_instance_identifier = module.postgres.db_instance_identifier
  postgres_storage_gb          = module.postgres.allocated_storage_gb
  ops_email_subscribers        = var.ops_email_subscribers
  kms_key_arn                  = module.storage.kms_key_arn
  tags                         = local.tags
}
