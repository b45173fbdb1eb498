variable "environment" {
  type        = string
  description = "dev, staging or prod."
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "allowed_account_ids" {
  type        = list(string)
  description = "The AWS account this environment lives in (one environment per account)."
  validation {
    condition     = length(var.allowed_account_ids) == 1 && alltrue([for a in var.allowed_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "allowed_account_ids: the one 12-digit account id of this environment."
  }
}

variable "region" {
  type        = string
  description = "AWS region of everything."
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region looks like eu-central-1."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource."
  default     = {}
}

variable "history_retention_days" {
  type        = number
  description = "Days old object versions are kept."
  default     = 30
}

variable "raw_parquet_retention_days" {
  type        = number
  description = "Days the streams' raw Parquet output is kept (the Delta tables keep everything)."
  default     = 90
}

variable "fleet_vehicles" {
  type        = number
  description = "Vehicles in the fleet (a fix every 5 s each): sizes the streaming jobs' workers, the location stream's shards and PostgreSQL's storage from the README's sizing table, where the variables below are left unset."
  default     = 1000
}

variable "kinesis_stream_mode" {
  type        = string
  description = "PROVISIONED (shards from the sizing table, or kinesis_location_shards) or ON_DEMAND."
  default     = "PROVISIONED"
}

variable "kinesis_location_shards" {
  type        = number
  description = "Shards of the location stream when PROVISIONED; unset, from the sizing table for fleet_vehicles."
  default     = null
}

variable "kinesis_sensor_shards" {
  type        = number
  description = "Shards of the sensor stream when PROVISIONED."
  default     = 1
}

variable "kinesis_retention_hours" {
  type        = number
  description = "Kinesis retention."
  default     = 24
}

variable "vpc_id" {
  type        = string
  description = "VPC of PostgreSQL and the Glue connection."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets (two or more zones); the first hosts the Glue connection."
}

variable "private_route_table_ids" {
  type        = list(string)
  description = "Route tables of the private subnets: the S3 gateway endpoint is added to them."
  default     = []
}

variable "create_vpc_endpoints" {
  type        = bool
  description = "Make the VPC endpoints the jobs reach AWS's APIs through; false when the private subnets have a NAT gateway."
  default     = true
}

variable "postgres_instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.t4g.medium"
}

variable "postgres_storage_gb" {
  type        = number
  description = "RDS storage in GB; by default the sizing table's for fleet_vehicles (90 days of position history)."
  default     = null
  validation {
    condition     = var.postgres_storage_gb == null ? true : var.postgres_storage_gb >= 20 && var.postgres_storage_gb <= 65536
    error_message = "postgres_storage_gb must be 20 to 65536 (RDS gp3's bounds), or null for the sizing table's."
  }
}

variable "postgres_multi_az" {
  type        = bool
  description = "A standby in a second zone."
  default     = false
}

variable "analyst_cidr_blocks" {
  type        = list(string)
  description = "Networks analysts reach PostgreSQL from."
  default     = []
  validation {
    condition     = alltrue([for c in var.analyst_cidr_blocks : can(cidrnetmask(c)) && !endswith(c, "/0")])
    error_message = "analyst_cidr_blocks: IPv4 networks (a.b.c.d/n), never the whole internet (/0)."
  }
}

variable "glue_worker_type" {
  type        = string
  description = "Worker type of the streaming jobs; unset, from the sizing table for fleet_vehicles."
  default     = null
}

variable "glue_streaming_workers" {
  type        = number
  description = "Maximum workers per streaming job; unset, from the sizing table for fleet_vehicles."
  default     = null
  validation {
    condition     = coalesce(var.glue_streaming_workers, 2) >= 2 && coalesce(var.glue_streaming_workers, 2) <= 299 && floor(coalesce(var.glue_streaming_workers, 2)) == coalesce(var.glue_streaming_workers, 2)
    error_message = "glue_streaming_workers must be a whole number from 2 to 299 (one worker is the driver)."
  }
}

variable "glue_run_mode" {
  type        = string
  description = "continuous (Glue streaming jobs, fixes readable within seconds) or scheduled (Glue ETL runs on glue_run_schedule that drain the streams and stop: cheaper for small fleets, fixes readable after up to the schedule's interval and a run); docs/sizing.md compares them per fleet size."
  default     = "continuous"
}

variable "glue_run_schedule" {
  type        = string
  description = "Cron schedule of the streaming jobs' runs with glue_run_mode scheduled."
  default     = "cron(0/15 * * * ? *)"
}

variable "glue_dedup_state" {
  type        = string
  description = "buckets, or per-id for streaming checkpoints made before the deduplication state came in buckets."
  default     = "buckets"
}

variable "glue_maintenance_window" {
  type        = string
  description = "When Glue may restart the streaming jobs."
  default     = "SUN:03"
}

variable "combine_schedule" {
  type        = string
  description = "Cron schedule of the combine job."
  default     = "cron(15 * * * ? *)"
  validation {
    condition     = can(regex("^cron\\([^)]+\\)$", var.combine_schedule))
    error_message = "combine_schedule must be a Glue cron(...) expression."
  }
}

variable "crawler_schedule" {
  type        = string
  description = "Cron schedule of the Glue crawlers (each run bills at least 10 minutes of a DPU)."
  default     = "cron(45 2 * * ? *)"
  validation {
    condition     = can(regex("^cron\\([^)]+\\)$", var.crawler_schedule))
    error_message = "crawler_schedule must be a Glue cron(...) expression."
  }
}

variable "email_subscribers" {
  type        = list(string)
  description = "Who is emailed when new final data lands."
  default     = []
}

variable "alert_email_subscribers" {
  type        = list(string)
  description = "Who is emailed the streaming jobs' alerts (threshold breaches, geofence crossings)."
  default     = []
}

variable "postgres_ca_bundle_key" {
  type        = string
  description = "Key in the artifacts bucket of RDS's CA bundle for the region (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem): the jobs and the API verify the server against it."
  default     = "certs/rds-ca-bundle.pem"
  validation {
    condition     = endswith(var.postgres_ca_bundle_key, ".pem")
    error_message = "postgres_ca_bundle_key must name a .pem file."
  }
}

variable "geofences_key" {
  type        = string
  description = "Key in the artifacts bucket of the geofences JSON file (see jobs' Geofence); null for none."
  default     = null
}

variable "location_contract_key" {
  type        = string
  description = "Key in the artifacts bucket of the location stream's input contract (see docs/pipeline.md, Input contracts); null for the built-in one."
  default     = null
}

variable "sensor_contract_key" {
  type        = string
  description = "Key in the artifacts bucket of the sensor streams' input contract; null for the built-in one."
  default     = null
}

variable "kinesis_extra_sensor_streams" {
  type        = list(string)
  description = "Suffixes of further sensor streams (e.g. one per metric: temperature, humidity, energy), read by the sensor job beside the documented one."
  default     = []
}

variable "ops_email_subscribers" {
  type        = list(string)
  description = "Who gets operational alarms (Glue job failures, the streams' lag, a full disk): at least one address, or alarms reach nobody."
  default     = []
  validation {
    condition     = alltrue([for e in var.ops_email_subscribers : can(regex("^[^@ ]+@[^@ ]+$", e))])
    error_message = "ops_email_subscribers must be email addresses."
  }
}

variable "api_max_concurrency" {
  type        = number
  description = "The fleet API Lambda's reserved concurrency (each instance holds 2 PostgreSQL connections), or null for none. Lambda keeps 100 of the account's concurrency unreserved, and a new account's quota is lower than that: check with `aws lambda get-account-settings` (UnreservedConcurrentExecutions >= 100 + this). Without one, the API login's CONNECTION LIMIT (48) bounds the connections, and a request beyond it answers 503."
  default     = null
  validation {
    condition     = var.api_max_concurrency == null ? true : var.api_max_concurrency >= 1 && var.api_max_concurrency <= 24
    error_message = "api_max_concurrency must be null or 1 to 24: with 2 connections each, within the API login's 48."
  }
}
