variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
}

variable "buckets" {
  type        = map(string)
  description = "Bucket names by role (curated, final, artifacts, checkpoints), from the storage module."
  validation {
    condition     = alltrue([for k in ["curated", "final", "artifacts", "checkpoints"] : contains(keys(var.buckets), k)])
    error_message = "buckets needs curated, final, artifacts and checkpoints."
  }
}

variable "bucket_arns" {
  type        = map(string)
  description = "Bucket ARNs by role."
}

variable "kms_key_arn" {
  type        = string
  description = "The data key."
}

variable "jobs_jar_key" {
  type        = string
  description = "S3 key of the shaded jobs jar in the artifacts bucket (jobs/target/fleetstream-jobs-glue.jar)."
  default     = "jars/fleetstream-jobs-glue.jar"
}

variable "location_stream_name" {
  type        = string
  description = "Kinesis stream of GPS fixes."
}

variable "sensor_stream_name" {
  type        = string
  description = "Kinesis stream of sensor readings."
}

variable "stream_arns" {
  type        = list(string)
  description = "ARNs of both streams (read access)."
}

variable "worker_type" {
  type        = string
  description = "Glue worker type of the streaming jobs (with run_mode scheduled, G.025X, which Glue offers to streaming jobs only, becomes G.1X)."
  default     = "G.025X"
  validation {
    condition     = contains(["G.025X", "G.1X", "G.2X", "G.4X"], var.worker_type)
    error_message = "worker_type must be one of G.025X, G.1X, G.2X, G.4X."
  }
}

variable "streaming_workers" {
  type        = number
  description = "Maximum workers per streaming job (auto scaling stays below)."
  default     = 2
}

variable "trigger_interval" {
  type        = string
  description = "Micro-batch interval of the streaming jobs."
  default     = "30 seconds"
}

variable "windows_trigger_interval" {
  type        = string
  description = "Micro-batch interval of the streaming jobs' window queries; a window is final only after the watermark passes its end."
  default     = "1 minute"
}

variable "alerts_topic_arn" {
  type        = string
  description = "SNS topic the streaming jobs publish alerts to."
}

variable "alert_min_interval" {
  type        = string
  description = "At most one alert message per entity, rule and kind of transition within this much event time."
  default     = "15 minutes"
}

variable "alert_consecutive_readings" {
  type        = number
  description = "Readings in a row beyond a threshold before a sensor alert."
  default     = 3
  validation {
    condition     = var.alert_consecutive_readings >= 1
    error_message = "alert_consecutive_readings must be at least 1."
  }
}

variable "extra_sensor_stream_names" {
  type        = list(string)
  description = "Further sensor streams the sensor job reads besides sensor_stream_name (e.g. one per metric)."
  default     = []
}

variable "location_contract_key" {
  type        = string
  description = "Key in the artifacts bucket of the location stream's input contract (JSON); null for the built-in one."
  default     = null
  validation {
    condition     = var.location_contract_key == null || can(regex("^[^/].*\\.json$", var.location_contract_key))
    error_message = "location_contract_key is a key (no leading /) of a .json file."
  }
}

variable "sensor_contract_key" {
  type        = string
  description = "Key in the artifacts bucket of the input contract (JSON) of every sensor stream; null for the built-in one."
  default     = null
  validation {
    condition     = var.sensor_contract_key == null || can(regex("^[^/].*\\.json$", var.sensor_contract_key))
    error_message = "sensor_contract_key is a key (no leading /) of a .json file."
  }
}

variable "geofences_key" {
  type        = string
  description = "Key in the artifacts bucket of the geofences JSON file; null for no geofence alerts."
  default     = null
}

variable "maintenance_window" {
  type        = string
  description = "When Glue may restart the continuously running streaming jobs, e.g. SUN:03."
  default     = "SUN:03"
  validation {
    condition     = can(regex("^(MON|TUE|WED|THU|FRI|SAT|SUN):([01][0-9]|2[0-3])$", var.maintenance_window))
    error_message = "maintenance_window looks like SUN:03."
  }
}

variable "run_mode" {
  type        = string
  description = "continuous: the streaming jobs run all the time (Glue streaming, billed while they run, as fresh as TRIGGER_INTERVAL); scheduled: each runs as a Glue ETL job (Flex) on run_schedule, reads what arrived since its last run and stops (STOP_WHEN_DRAINED), its state carried in its checkpoint as across any restart: billed by the minute, as fresh as the schedule. docs/sizing.md compares the two."
  default     = "continuous"
  validation {
    condition     = contains(["continuous", "scheduled"], var.run_mode)
    error_message = "run_mode must be continuous or scheduled."
  }
}

variable "run_schedule" {
  type        = string
  description = "Cron schedule of the streaming jobs' runs when run_mode is scheduled."
  default     = "cron(0/15 * * * ? *)"
  validation {
    condition     = can(regex("^cron\\([^)]+\\)$", var.run_schedule))
    error_message = "run_schedule must be a Glue cron(...) expression."
  }
}

variable "scheduled_run_minutes" {
  type        = number
  description = "With run_mode scheduled: a run that has not drained its streams after this many minutes stops between batches and fails, naming the limit (MAX_RUN_SECONDS); the next run reads on from there."
  default     = 45
  validation {
    condition     = var.scheduled_run_minutes >= 5
    error_message = "scheduled_run_minutes must be at least 5."
  }
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

variable "postgres_jdbc_url" {
  type        = string
  description = "jdbc:postgresql://host:5432/db of the reporting database."
}

variable "postgres_ca_bundle_key" {
  type        = string
  description = "Key in the artifacts bucket of RDS's CA bundle for the region (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem)."
  default     = "certs/rds-ca-bundle.pem"
  validation {
    condition     = endswith(var.postgres_ca_bundle_key, ".pem")
    error_message = "postgres_ca_bundle_key must name a .pem file."
  }
}

variable "postgres_admin_secret_arn" {
  type        = string
  description = "The RDS master user's secret: only the writer-login job reads it."
}

variable "writer_rotation_schedule" {
  type        = string
  description = "When the writer-login job rotates the streaming jobs' PostgreSQL password (a Glue cron expression)."
  default     = "cron(0 4 ? * SUN *)"
  validation {
    condition     = can(regex("^cron\\(.+\\)$", var.writer_rotation_schedule))
    error_message = "writer_rotation_schedule must be a cron(...) expression."
  }
}

variable "postgres_secret_arn" {
  type        = string
  description = "Secrets Manager secret with the database user and password."
}

variable "postgres_reader_secret_arn" {
  type        = string
  description = "The API's read-only login secret, which the writer-login job fills and rotates; null without the API."
  default     = null
}

variable "connection_subnet_id" {
  type        = string
  description = "Private subnet the Glue jobs reach PostgreSQL from."
}

variable "connection_security_group_id" {
  type        = string
  description = "Security group of the Glue connection (allowed into PostgreSQL)."
}

variable "crawlers_file" {
  type        = string
  description = "Path of crawlers/crawlers.json, the single definition of the crawlers."
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of the streaming jobs' own metrics: consumer lag per stream and shard (MillisBehindLatest), per-batch counts."
  default     = "Fleetstream"
  validation {
    condition     = can(regex("^[A-Za-z0-9.\\-_/#:]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 letters, digits or . - _ / # : and must not start with AWS/."
  }
}

variable "dedup_state" {
  type        = string
  description = "How the streaming jobs remember events for deduplication: buckets (16-byte digests per 10 s of event time), or per-id, the layout of checkpoints made before buckets, which those need to resume."
  default     = "buckets"
  validation {
    condition     = contains(["buckets", "per-id"], var.dedup_state)
    error_message = "dedup_state must be buckets or per-id."
  }
}
