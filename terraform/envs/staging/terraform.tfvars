environment             = "staging"
allowed_account_ids     = ["222222222222"] # yours
region                  = "eu-central-1"
vpc_id                  = "vpc-0123456789abcdef1"
private_subnet_ids      = ["subnet-0123456789abcdef1", "subnet-0fedcba9876543211"]
private_route_table_ids = ["rtb-0123456789abcdef1"]
