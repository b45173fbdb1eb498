terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80.0, < 6.0.0"
    }
  }

  # terraform init -reconfigure -backend-config=../envs/<env>/backend.hcl (bucket, key, region of the state; use_lockfile = true:
  # S3's own lock file, DynamoDB locking being deprecated, https://developer.hashicorp.com/terraform/language/backend/s3)
  backend "s3" {}
}
