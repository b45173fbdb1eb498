# Private subnets without a NAT gateway reaching the AWS APIs the pipeline calls: the endpoints, open
# on 443 to two security groups made here as the Glue jobs' and the API's stand-ins.
provider "aws" {
  region = var.region
}

resource "aws_security_group" "jobs" {
  name        = "${var.name_prefix}-jobs"
  description = "What the Glue connection would run in."
  vpc_id      = var.vpc_id
  tags        = { example = "network" }
}

resource "aws_security_group" "api" {
  name        = "${var.name_prefix}-api"
  description = "What the API Lambda would run in."
  vpc_id      = var.vpc_id
  tags        = { example = "network" }
}

module "network" {
  source                 = "../../modules/network"
  name_prefix            = var.name_prefix
  vpc_id                 = var.vpc_id
  subnet_ids             = var.subnet_ids
  route_table_ids        = var.route_table_ids
  jobs_security_group_id = aws_security_group.jobs.id
  api_security_group_id  = aws_security_group.api.id
}
