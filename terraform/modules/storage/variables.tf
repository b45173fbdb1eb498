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

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
