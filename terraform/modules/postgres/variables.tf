variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the database and the Glue connection."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the database (two or more zones)."
  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs subnets in at least two availability zones."
  }
}

variable "instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.t4g.medium"
}

variable "allocated_storage_gb" {
  type        = number
  description = "Storage in GB (gp3); autoscaling may grow it by half again."
  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 65536
    error_message = "allocated_storage_gb must be 20 to 65536 (RDS gp3's bounds)."
  }
}

variable "multi_az" {
  type        = bool
  description = "A standby in a second zone."
  default     = false
}

variable "analyst_cidr_blocks" {
  type        = list(string)
  description = "Networks analysts connect from (VPN, bastion); nothing else reaches the database."
  default     = []
}

variable "statement_timeout_ms" {
  type        = number
  description = "How long any statement may run (analysts' queries); the jobs lift it for their sessions."
  default     = 300000
  validation {
    condition     = var.statement_timeout_ms >= 1000
    error_message = "statement_timeout_ms must be at least 1000 (0, no limit, is not allowed here)."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "The data key (storage and the generated password's secret)."
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
