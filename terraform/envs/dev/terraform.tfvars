environment                  = "dev"
region                       = "eu-central-1"
vpc_id                       = "vpc-0123456789abcdef0"
private_subnet_ids           = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
connection_availability_zone = "eu-central-1a"
private_route_table_ids      = ["rtb-0123456789abcdef0"]
glue_streaming_workers       = 2
email_subscribers            = []
