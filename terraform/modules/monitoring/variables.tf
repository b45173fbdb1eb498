variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
}

variable "job_names" {
  type        = list(string)
  description = "Glue jobs whose failures page operations."
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

variable "lambda_function_name" {
  type        = string
  description = "The notifier Lambda."
}

variable "dead_letter_queue_name" {
  type        = string
  description = "The notifier's on-failure queue."
}

variable "ops_email_subscribers" {
  type        = list(string)
  description = "Addresses of the operators who get alarms."
  default     = []
}

variable "kms_key_arn" {
  type        = string
  description = "The data key (the ops topic)."
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
