variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
}

variable "job_names" {
  type        = list(string)
  description = "Glue jobs whose failures page operations."
}

variable "streaming_job_names" {
  type        = list(string)
  description = "Streaming Glue jobs: started again when a run fails or times out."
  validation {
    # each is a target of the backstop's one rule, and an EventBridge rule takes at most 5
    condition     = length(var.streaming_job_names) <= 5
    error_message = "At most 5 streaming jobs: each is a target of the backstop's EventBridge rule."
  }
}

variable "restart_delay_seconds" {
  type        = number
  description = "Pause before a failed streaming job is started again."
  default     = 120
  validation {
    condition     = var.restart_delay_seconds >= 0 && var.restart_delay_seconds <= 3600
    error_message = "restart_delay_seconds must be from 0 to 3600."
  }
}

variable "restart_alarm_count" {
  type        = number
  description = "Restarts within an hour that raise the alarm."
  default     = 3
  validation {
    condition     = var.restart_alarm_count >= 1
    error_message = "restart_alarm_count must be at least 1."
  }
}

variable "stream_names" {
  type        = list(string)
  description = "Kinesis streams to watch."
}

variable "iterator_age_alarm_ms" {
  type        = number
  description = "Alarm when the oldest unread record is older than this."
  default     = 300000
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of the streaming jobs' own metrics."
}

variable "consumer_lag_metrics" {
  type        = list(string)
  description = "Each streaming job and a stream it reads, as \"job/stream\": its MillisBehindLatest and ExpiredGaps get alarms."
  validation {
    condition     = alltrue([for m in var.consumer_lag_metrics : length(split("/", m)) == 2])
    error_message = "consumer_lag_metrics: each entry is \"glue-job-name/stream-name\"."
  }
}

variable "consumer_lag_alarm_ms" {
  type        = number
  description = "Alarm when a streaming job's reading of a stream stays further behind the stream's tip than this for 5 minutes."
  default     = 300000
  validation {
    condition     = var.consumer_lag_alarm_ms >= 60000
    error_message = "consumer_lag_alarm_ms must be at least 60000: a batch or two behind is normal."
  }
}

variable "lambda_function_name" {
  type        = string
  description = "The notifier Lambda."
}

variable "api_function_name" {
  type        = string
  description = "The fleet API's Lambda."
}

variable "api_id" {
  type        = string
  description = "The fleet API's HTTP API."
}

variable "api_5xx_threshold" {
  type        = number
  description = "5xx answers of the API in 5 minutes above which the ops topic hears of it."
  default     = 10
  validation {
    condition     = var.api_5xx_threshold >= 0
    error_message = "api_5xx_threshold must not be negative."
  }
}

variable "dead_letter_queue_name" {
  type        = string
  description = "The notifier's on-failure queue."
}

variable "ops_email_subscribers" {
  type        = list(string)
  description = "Addresses of the operators who get alarms."
  default     = []
  validation {
    condition     = alltrue([for e in var.ops_email_subscribers : can(regex("^[^@ ]+@[^@ ]+$", e))])
    error_message = "ops_email_subscribers must be email addresses."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "The data key (the ops topic)."
}

variable "postgres_instance_identifier" {
  type        = string
  description = "The reporting database's RDS instance: its free storage and write latency are watched."
}

variable "postgres_storage_gb" {
  type        = number
  description = "The instance's allocated storage in GB: the free-storage alarm fires below a tenth of it."
}

variable "postgres_write_latency_alarm_seconds" {
  type        = number
  description = "Average write latency (seconds) over 15 minutes past which operations hear of it."
  default     = 0.05
  validation {
    condition     = var.postgres_write_latency_alarm_seconds > 0
    error_message = "postgres_write_latency_alarm_seconds must be positive."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
