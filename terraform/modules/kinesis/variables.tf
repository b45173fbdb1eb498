variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
}

variable "stream_mode" {
  type        = string
  description = "ON_DEMAND or PROVISIONED."
  default     = "ON_DEMAND"
  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "location_shards" {
  type        = number
  description = "Shards of the location stream when PROVISIONED."
  default     = 2
  validation {
    condition     = var.location_shards >= 1 && var.location_shards <= 500 && floor(var.location_shards) == var.location_shards
    error_message = "location_shards must be a whole number from 1 to 500 (Kinesis's default shard quota per stream)."
  }
}

variable "sensor_shards" {
  type        = number
  description = "Shards of the sensor stream when PROVISIONED."
  default     = 1
  validation {
    condition     = var.sensor_shards >= 1 && var.sensor_shards <= 500 && floor(var.sensor_shards) == var.sensor_shards
    error_message = "sensor_shards must be a whole number from 1 to 500 (Kinesis's default shard quota per stream)."
  }
}

variable "extra_sensor_streams" {
  type        = list(string)
  description = "Suffixes of further sensor streams, e.g. temperature, humidity and energy for one stream per metric; the sensor job reads them all."
  default     = []
  validation {
    condition     = alltrue([for s in var.extra_sensor_streams : can(regex("^[a-z0-9-]{1,40}$", s))])
    error_message = "extra_sensor_streams holds suffixes of lower-case letters, digits and '-' (at most 40)."
  }
}

variable "retention_hours" {
  type        = number
  description = "How long records stay readable (24 to 8760)."
  default     = 24
  validation {
    condition     = var.retention_hours >= 24 && var.retention_hours <= 8760
    error_message = "retention_hours must be within 24..8760."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for server-side encryption."
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
