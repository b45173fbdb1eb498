# What the Glue jobs and the API's Lambda reach from their private subnets: S3 through a gateway
# endpoint on the subnets' route tables, and every other AWS API they call through interface
# endpoints with private DNS, open on 443 to their security groups. Without them the jobs need a
# NAT gateway (create_endpoints = false says one is there).
data "aws_region" "current" {}

# private DNS on an interface endpoint needs both attributes on; aws_vpc and the API leave hostnames off
data "aws_vpc" "this" {
  id = var.vpc_id
}

locals {
  # one key per endpoint resource when the endpoints are made, none otherwise
  enabled = var.create_endpoints ? toset(["endpoints"]) : toset([])
  # the APIs the jobs' roles allow calls to, besides S3
  interface_services = var.create_endpoints ? toset(["kinesis-streams", "secretsmanager", "sns", "kms", "sts", "logs", "monitoring", "glue"]) : toset([])
}

resource "aws_security_group" "endpoints" {
  for_each    = local.enabled
  name        = "${var.name_prefix}-endpoints"
  description = "Interface endpoints: HTTPS from the Glue jobs and the API."
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "https_from_jobs" {
  for_each                     = local.enabled
  security_group_id            = aws_security_group.endpoints[each.key].id
  referenced_security_group_id = var.jobs_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "The Glue jobs"

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "https_from_api" {
  for_each                     = local.enabled
  security_group_id            = aws_security_group.endpoints[each.key].id
  referenced_security_group_id = var.api_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "The fleet API's Lambda"

  tags = var.tags
}

resource "aws_vpc_endpoint" "s3" {
  for_each          = local.enabled
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.route_table_ids
  tags              = merge(var.tags, { Name = "${var.name_prefix}-s3" })

  lifecycle {
    precondition {
      # a gateway endpoint is a route: without the subnets' route tables the jobs never reach S3
      condition     = length(var.route_table_ids) > 0
      error_message = "route_table_ids (private_route_table_ids) must list the private subnets' route tables when the endpoints are made."
    }
  }
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = local.interface_services
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [for g in values(aws_security_group.endpoints) : g.id]
  private_dns_enabled = true
  tags                = merge(var.tags, { Name = "${var.name_prefix}-${each.key}" })

  lifecycle {
    precondition {
      # https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html: private DNS needs both
      condition     = data.aws_vpc.this.enable_dns_support && data.aws_vpc.this.enable_dns_hostnames
      error_message = "The VPC needs enableDnsSupport and enableDnsHostnames for the endpoints' private DNS: aws ec2 modify-vpc-attribute --vpc-id <id> --enable-dns-hostnames '{\"Value\":true}' (and --enable-dns-support)."
    }
  }
}
