variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. fleetstream-dev."
}

variable "openapi_file" {
  type        = string
  description = "The API's OpenAPI document (api/src/main/resources/openapi.json): its paths are the routes."
}

variable "cognito_domain_prefix" {
  type        = string
  description = "Prefix of the Cognito hosted UI's domain (<prefix>.auth.<region>.amazoncognito.com); unique in the region."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$", var.cognito_domain_prefix)) && !strcontains(var.cognito_domain_prefix, "aws") && !strcontains(var.cognito_domain_prefix, "cognito")
    error_message = "cognito_domain_prefix must be lower-case letters, digits and hyphens, without 'aws' or 'cognito'."
  }
}

variable "artifacts_bucket" {
  type        = string
  description = "Bucket holding the Lambda jar, the geofences file and the CA bundle."
}

variable "artifacts_bucket_arn" {
  type        = string
  description = "ARN of the artifacts bucket."
}

variable "lambda_jar_key" {
  type        = string
  description = "Key of fleetstream-api-lambda.jar in the artifacts bucket."
  default     = "jars/fleetstream-api-lambda.jar"
}

variable "lambda_jar_sha256" {
  type        = string
  description = "filebase64sha256 of the jar uploaded to lambda_jar_key: a new jar publishes a new version."
  validation {
    condition     = can(regex("^[A-Za-z0-9+/]{43}=$", var.lambda_jar_sha256))
    error_message = "lambda_jar_sha256 must be a base64 SHA-256, as filebase64sha256() gives it."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets reaching PostgreSQL (the Glue connection's)."
  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must name at least one subnet."
  }
}

variable "security_group_id" {
  type        = string
  description = "The Lambda's security group (the postgres module's api_security_group_id)."
}

variable "postgres_jdbc_url" {
  type        = string
  description = "The reporting database."
}

variable "postgres_secret_arn" {
  type        = string
  description = "The API's read-only login (IN ROLE analyst), which the writer-login job fills and rotates."
}

variable "postgres_ca_bundle_key" {
  type        = string
  description = "Key in the artifacts bucket of RDS's CA bundle: connections verify the server; null for none."
  default     = "certs/rds-ca-bundle.pem"
}

variable "location_stream_name" {
  type        = string
  description = "The stream POST /positions writes to."
}

variable "location_stream_arn" {
  type        = string
  description = "ARN of the location stream."
}

variable "kms_key_arn" {
  type        = string
  description = "The key of the stream and the secret."
}

variable "geofences_key" {
  type        = string
  description = "Key of the geofences file in the artifacts bucket (the location job's); null for none."
  default     = null
}

variable "max_event_age" {
  type        = string
  description = "As the location job's MAX_EVENT_AGE, ISO-8601: older fixes are refused as the job would quarantine them."
  default     = "P30D"
  validation {
    condition     = can(regex("^P(T?[0-9]+[DHM])+$", var.max_event_age))
    error_message = "max_event_age must be an ISO-8601 duration such as P30D or PT12H."
  }
}

variable "max_range" {
  type        = string
  description = "The longest time range of one history request, ISO-8601."
  default     = "P7D"
  validation {
    condition     = can(regex("^P(T?[0-9]+[DHM])+$", var.max_range))
    error_message = "max_range must be an ISO-8601 duration such as P7D."
  }
}

variable "memory_mb" {
  type        = number
  description = "Lambda memory (and so CPU)."
  default     = 1024
  validation {
    condition     = var.memory_mb >= 512 && var.memory_mb <= 10240
    error_message = "memory_mb must be 512 to 10240."
  }
}

variable "pool_size" {
  type        = number
  description = "PostgreSQL connections per Lambda instance (one request at a time: 2 is plenty)."
  default     = 2
  validation {
    condition     = var.pool_size >= 1 && var.pool_size <= 4
    error_message = "pool_size must be 1 to 4."
  }
}

variable "max_concurrency" {
  type        = number
  description = "Reserved concurrency: at most this many instances, each with pool_size connections; null for none (a new account's reduced concurrency quota refuses any reservation that leaves fewer than 100 unreserved)."
  default     = null
  validation {
    condition     = var.max_concurrency == null ? true : var.max_concurrency >= 1 && var.max_concurrency <= 48
    error_message = "max_concurrency must be null or 1 to 48."
  }
}

variable "throttling_burst_limit" {
  type        = number
  description = "API Gateway's burst limit per route."
  default     = 200
}

variable "throttling_rate_limit" {
  type        = number
  description = "API Gateway's steady requests per second per route."
  default     = 100
}

variable "tags" {
  type        = map(string)
  description = "Tags of every resource."
  default     = {}
}
