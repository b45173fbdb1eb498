variable "fleet_vehicles" {
  type        = number
  description = "Vehicles in the fleet, a fix every 5 s each."
  default     = 25000
}
