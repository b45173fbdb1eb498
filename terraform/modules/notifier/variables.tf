variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
}

variable "final_bucket" {
  type        = string
  description = "Name of the final bucket the combine job writes."
}

variable "final_bucket_arn" {
  type        = string
  description = "ARN of the final bucket."
}

variable "artifacts_bucket" {
  type        = string
  description = "Bucket holding the Lambda jar."
}

variable "lambda_jar_key" {
  type        = string
  description = "S3 key of lambda-notifier/target/fleetstream-notifier-lambda.jar."
  default     = "jars/fleetstream-notifier-lambda.jar"
}

variable "lambda_jar_sha256" {
  type        = string
  description = "Base64 SHA-256 of the jar uploaded at lambda_jar_key (filebase64sha256 of the built jar)."
  validation {
    condition     = can(regex("^[A-Za-z0-9+/]{43}=$", var.lambda_jar_sha256))
    error_message = "lambda_jar_sha256 must be a base64 SHA-256, as filebase64sha256() gives it."
  }
}

variable "manifest_prefix" {
  type        = string
  description = "Where the combine job writes its run manifests."
  default     = "_manifests/"
}

variable "manifest_suffix" {
  type        = string
  description = "Suffix of a manifest object."
  default     = ".json"
}

variable "email_subscribers" {
  type        = list(string)
  description = "Addresses emailed when new final data lands (each confirms once)."
  default     = []
  validation {
    condition     = alltrue([for e in var.email_subscribers : can(regex("^[^@ ]+@[^@ ]+$", e))])
    error_message = "email_subscribers must be email addresses."
  }
}

variable "alert_email_subscribers" {
  type        = list(string)
  description = "Addresses emailed the streaming jobs' alerts (each confirms once)."
  default     = []
  validation {
    condition     = alltrue([for e in var.alert_email_subscribers : can(regex("^[^@ ]+@[^@ ]+$", e))])
    error_message = "alert_email_subscribers must be email addresses."
  }
}

variable "athena_database" {
  type        = string
  description = "Database the email's sample Athena query names."
  default     = "fleetstream_final"
}

variable "kms_key_arn" {
  type        = string
  description = "The data key (topic and dead-letter queue)."
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
