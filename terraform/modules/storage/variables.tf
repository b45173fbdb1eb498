variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name_prefix))
    error_message = "name_prefix: lower-case letters, digits and dashes, 3 to 41 characters."
  }
}

variable "history_retention_days" {
  type        = number
  description = "Days old object versions (and incomplete uploads) are kept."
  default     = 30
  validation {
    condition     = var.history_retention_days >= 1
    error_message = "history_retention_days must be at least 1."
  }
}

variable "raw_parquet_retention_days" {
  type        = number
  description = "Days the streams' raw Parquet output (curated location/ and sensor/) is kept; the Delta tables keep everything."
  default     = 90
  validation {
    condition     = var.raw_parquet_retention_days >= 30
    error_message = "raw_parquet_retention_days must be at least 30 (a month of history)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
