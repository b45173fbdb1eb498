# What the sizing table gives a fleet: `terraform apply -var fleet_vehicles=25000` prints it.
module "sizing" {
  source         = "../../modules/sizing"
  fleet_vehicles = var.fleet_vehicles
}
