variable "region" {
  type        = string
  description = "Region of the streams and buckets."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every name."
  default     = "fleetstream-example"
}

variable "fleet_vehicles" {
  type        = number
  description = "Vehicles in the fleet, a fix every 5 s each: sizes the location stream."
  default     = 1000
}
