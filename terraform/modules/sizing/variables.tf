variable "fleet_vehicles" {
  type        = number
  description = "Vehicles in the fleet, each sending a fix every 5 s; the smallest row of the sizing table that holds them sizes the deployment."
  default     = 1000
  validation {
    condition     = var.fleet_vehicles >= 1 && var.fleet_vehicles <= 100000
    error_message = "fleet_vehicles must be from 1 to 100000; above that, size workers and shards by hand from docs/sizing.md's method."
  }
}
