#!/usr/bin/env bash
# One environment's deployment, its first apply included, in the order a new account needs:
#   bash scripts/deploy.sh <dev|staging|prod> <step>...      (or "all": every step in order)
# Steps:
#   build       mvn package: the Glue jar, the notifier's and the API's Lambda jars
#   init        terraform init with terraform/envs/<env>/backend.hcl (see backend.hcl.example)
# Every environment applies the one root, terraform/deployment, with its own terraform.tfvars; its
# working data (the backend it was initialised with, the modules) and its plan stay in
# terraform/envs/<env>, so two environments never share a state by mistake.
#   storage     apply the storage module alone: the artifacts bucket the jars go into
#   upload      the jars, RDS's CA bundle for the region, the geofences and the Glue script placeholder
#   plan        terraform plan -out tfplan (it reads the built jars' SHA-256)
#   show        the plan, as text
#   apply       terraform apply tfplan
#   first-runs  the writer-login job (the jobs' and the API's PostgreSQL logins) and its wait, then each
#               streaming job that has no run going, then every crawler once
# The deploy pipeline (.github/workflows/deploy.yml) runs the same steps; DeployPipelineTest holds
# the two together.
set -euo pipefail
cd "$(dirname "$0")/.."
env="${1:?usage: scripts/deploy.sh <env> <step>...}"
shift
dir="$PWD/terraform/envs/$env"
[ -d "$dir" ] || { echo "no environment '$env' in terraform/envs" >&2; exit 2; }
export TF_DATA_DIR="$dir/.terraform"
tf() { terraform -chdir=terraform/deployment "$@"; }
artifacts() { tf output -json bucket_names | jq -r .artifacts; }
# a root variable's value as this environment's tfvars give it
var() { tf console -var-file="$dir/terraform.tfvars" <<<"var.$1" | tr -d '"'; }

build() { mvn -B -q package -DskipTests; }

init() {
  [ -f "$dir/backend.hcl" ] || { echo "$dir/backend.hcl is missing: copy terraform/envs/backend.hcl.example" >&2; exit 2; }
  tf init -input=false -reconfigure -backend-config="$dir/backend.hcl"
}

storage() { tf apply -input=false -auto-approve -var-file="$dir/terraform.tfvars" -target=module.storage; }

upload() {
  local bucket region
  bucket="$(artifacts)"
  region="$(var region)"
  aws s3 cp jobs/target/fleetstream-jobs-glue.jar "s3://$bucket/jars/"
  aws s3 cp lambda-notifier/target/fleetstream-notifier-lambda.jar "s3://$bucket/jars/"
  aws s3 cp api/target/fleetstream-api-lambda.jar "s3://$bucket/jars/"
  # the jobs and the API verify PostgreSQL's certificate against it (sslmode=verify-full)
  curl -fsS "https://truststore.pki.rds.amazonaws.com/$region/$region-bundle.pem" \
    | aws s3 cp - "s3://$bucket/$(var postgres_ca_bundle_key)"
  aws s3 cp etc/geofences.json "s3://$bucket/config/"
  echo '// the job runs the Java main named by --class' | aws s3 cp - "s3://$bucket/scripts/placeholder.scala"
}

plan() { tf plan -input=false -var-file="$dir/terraform.tfvars" -out="$dir/tfplan"; }

show() { tf show -no-color "$dir/tfplan"; }

apply() { tf apply -input=false "$dir/tfplan"; }

first_runs() {
  local login run state job crawler
  login="$(tf output -raw writer_login_job_name)"
  run="$(aws glue start-job-run --job-name "$login" --query JobRunId --output text)"
  # the job makes the logins the streaming jobs and the API use; they must not start before it ends
  while state="$(aws glue get-job-run --job-name "$login" --run-id "$run" --query JobRun.JobRunState --output text)"; do
    case "$state" in
      SUCCEEDED) break ;;
      FAILED | ERROR | TIMEOUT | STOPPED) echo "writer-login run $run ended $state" >&2; exit 1 ;;
      *) sleep 15 ;;
    esac
  done
  for job in $(tf output -json streaming_job_names | jq -r '.[]'); do
    state="$(aws glue get-job-runs --job-name "$job" --max-results 1 --query 'JobRuns[0].JobRunState' --output text)"
    case "$state" in
      RUNNING | STARTING | WAITING) echo "$job: a run is $state" ;;
      *) aws glue start-job-run --job-name "$job" --query JobRunId --output text ;;
    esac
  done
  # Athena's tables: the crawlers run daily (crawler_schedule); once now, so the tables exist from the start
  for crawler in $(tf output -json crawler_names | jq -r '.[]'); do
    aws glue start-crawler --name "$crawler" || echo "$crawler: not started (already running?)" >&2
  done
}

steps=("$@")
[ "${steps[*]:-}" = "all" ] && steps=(build init storage upload plan apply first-runs)
[ ${#steps[@]} -gt 0 ] || { echo "usage: scripts/deploy.sh <env> <step>... (see the script's head)" >&2; exit 2; }
for step in "${steps[@]}"; do
  case "$step" in
    build | init | storage | upload | plan | show | apply) "$step" ;;
    first-runs) first_runs ;;
    *) echo "unknown step '$step'" >&2; exit 2 ;;
  esac
done
