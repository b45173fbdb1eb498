variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. fleetstream-dev."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the Glue connection and PostgreSQL."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets the interface endpoints get a network interface in (the Glue connection's among them)."
  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids needs at least the Glue connection's subnet."
  }
}

variable "route_table_ids" {
  type        = list(string)
  description = "Route tables of those subnets: the S3 gateway endpoint is added to them."
  default     = []
}

variable "jobs_security_group_id" {
  type        = string
  description = "The Glue connection's security group: the endpoints accept HTTPS from it."
}

variable "api_security_group_id" {
  type        = string
  description = "The API Lambda's security group: the endpoints accept HTTPS from it."
}

variable "create_endpoints" {
  type        = bool
  description = "Make the endpoints; false when the subnets already reach AWS's APIs through a NAT gateway."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Tags of every resource."
  default     = {}
}
