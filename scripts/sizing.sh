#!/usr/bin/env bash
# The sizing table from the latest measurements (benchmarks/results/latest-capacity.json,
# latest-state.json), written into docs/sizing.md and terraform/modules/sizing/main.tf.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p terraform-checks/target/classes
javac -d terraform-checks/target/classes terraform-checks/src/main/java/com/fleetstream/terraform/Sizing.java
exec java -cp terraform-checks/target/classes com.fleetstream.terraform.Sizing .
