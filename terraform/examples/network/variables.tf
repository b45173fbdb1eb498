variable "region" {
  type        = string
  description = "Region of the VPC."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every name."
  default     = "fleetstream-example"
}

variable "vpc_id" {
  type        = string
  description = "An existing VPC with private subnets."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Its private subnets, where the interface endpoints get their network interfaces."
}

variable "route_table_ids" {
  type        = list(string)
  description = "Those subnets' route tables, which get the S3 gateway endpoint."
}
