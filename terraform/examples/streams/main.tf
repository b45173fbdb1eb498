# The input side on its own: the key and buckets, and the streams sized for the fleet.
provider "aws" {
  region = var.region
}

module "sizing" {
  source         = "../../modules/sizing"
  fleet_vehicles = var.fleet_vehicles
}

module "storage" {
  source      = "../../modules/storage"
  name_prefix = var.name_prefix
}

module "kinesis" {
  source          = "../../modules/kinesis"
  name_prefix     = var.name_prefix
  stream_mode     = "PROVISIONED"
  location_shards = module.sizing.location_shards
  kms_key_arn     = module.storage.kms_key_arn
}
