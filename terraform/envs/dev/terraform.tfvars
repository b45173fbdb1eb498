environment             = "dev"
allowed_account_ids     = ["123456789012"] # yours (this one is the local rehearsal's)
region                  = "eu-central-1"
vpc_id                  = "vpc-0123456789abcdef0"
private_subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
private_route_table_ids = ["rtb-0123456789abcdef0"]
email_subscribers       = []
