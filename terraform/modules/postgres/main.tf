# RDS PostgreSQL for the jobs' reporting tables. RDS generates the master password into Secrets
# Manager (manage_master_user_password) and rotates it; it never appears in state, outputs or job
# arguments. The streaming jobs log in as their own writer and the API as its reader, whose secrets
# the writer-login Glue job fills and rotates (the secrets are made here without a value).
resource "aws_db_subnet_group" "this" {
  name       = "${var.name_prefix}-postgres"
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "glue" {
  name        = "${var.name_prefix}-glue-connection"
  description = "Glue jobs reaching PostgreSQL; Glue needs the group to reach itself."
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "glue_self" {
  security_group_id            = aws_security_group.glue.id
  referenced_security_group_id = aws_security_group.glue.id
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  description                  = "Glue workers talk to each other"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "glue_all" {
  security_group_id = aws_security_group.glue.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
  description       = "Kinesis, S3 and PostgreSQL through the VPC's endpoints and NAT"

  tags = var.tags
}

# The API's Lambda, in the same private subnets: PostgreSQL and the AWS APIs it calls.
resource "aws_security_group" "api" {
  name        = "${var.name_prefix}-api"
  description = "The fleet API's Lambda reaching PostgreSQL and AWS's APIs."
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_egress_rule" "api_postgres" {
  security_group_id            = aws_security_group.api.id
  referenced_security_group_id = aws_security_group.postgres.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "api_https" {
  security_group_id = aws_security_group.api.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "Kinesis, S3 and Secrets Manager through the VPC's endpoints and NAT"

  tags = var.tags
}

resource "aws_security_group" "postgres" {
  name        = "${var.name_prefix}-postgres"
  description = "PostgreSQL: the Glue connection, the API and analysts only."
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_glue" {
  security_group_id            = aws_security_group.postgres.id
  referenced_security_group_id = aws_security_group.glue.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "Glue jobs"

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_api" {
  security_group_id            = aws_security_group.postgres.id
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "The fleet API"

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_analysts" {
  for_each          = toset(var.analyst_cidr_blocks)
  security_group_id = aws_security_group.postgres.id
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  description       = "Analysts"

  tags = var.tags
}

# TLS only (the jobs verify the server's certificate against RDS's CA bundle), and bounded sessions:
# an analyst's query stops after statement_timeout; the jobs lift it for their own sessions, whose
# batch moves may take longer, and a session idle in a transaction is ended.
resource "aws_db_parameter_group" "this" {
  name        = "${var.name_prefix}-postgres17"
  family      = "postgres17"
  description = "fleetstream: TLS only, bounded statements and idle transactions"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "statement_timeout"
    value = tostring(var.statement_timeout_ms)
  }
  parameter {
    name  = "idle_in_transaction_session_timeout"
    value = "600000"
  }
  tags = var.tags
}

resource "aws_db_instance" "this" {
  identifier        = "${var.name_prefix}-postgres"
  engine            = "postgres"
  engine_version    = "17"
  instance_class    = var.instance_class
  allocated_storage = var.allocated_storage_gb
  # gp3 pinned (the provider's default is gp2, with burst credits at this size); its baseline
  # 3,000 IOPS (12,000 from 400 GB) takes the sinks' COPY batches. Autoscaling may add half again when
  # the history outgrows the sizing table's estimate; the FreeStorageSpace alarm says so first.
  storage_type                  = "gp3"
  max_allocated_storage         = min(65536, ceil(var.allocated_storage_gb * 1.5))
  storage_encrypted             = true
  kms_key_id                    = var.kms_key_arn
  db_name                       = "fleet"
  username                      = "fleet_owner"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn
  db_subnet_group_name          = aws_db_subnet_group.this.name
  parameter_group_name          = aws_db_parameter_group.this.name
  ca_cert_identifier            = "rds-ca-rsa2048-g1"
  vpc_security_group_ids        = [aws_security_group.postgres.id]
  publicly_accessible           = false
  multi_az                      = var.multi_az
  backup_retention_period       = 7
  deletion_protection           = true
  skip_final_snapshot           = false
  final_snapshot_identifier     = "${var.name_prefix}-postgres-final"
  tags                          = var.tags
}

resource "aws_secretsmanager_secret" "writer" {
  name                    = "${var.name_prefix}/postgres-writer"
  description             = "The streaming jobs' PostgreSQL login; made and rotated by the writer-login Glue job."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret" "reader" {
  name                    = "${var.name_prefix}/postgres-api"
  description             = "The fleet API's read-only PostgreSQL login (IN ROLE analyst); made and rotated by the writer-login Glue job."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 7
  tags                    = var.tags
}
