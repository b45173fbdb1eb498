#!/usr/bin/env bash
# README command 1: build, then deploy terraform/deployment with envs/dev on local servers and run the whole pipeline
# from the shipped jars (see LocalPipeline).
# Extra arguments go to the local runner, e.g. --vehicles 50 --duration-seconds 3600 --workdir /tmp/run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "node (Node.js) is required for the Kinesis emulator and the HCL reader" >&2; exit 1; }
# the Kinesis emulator, and the HCL reader the deployment plans terraform/ with
(cd tools/kinesalite && [ -d node_modules/kinesalite ] || npm ci --no-audit --no-fund --ignore-scripts)
(cd tools/hcl2json && [ -d node_modules/@cdktn/hcl2json ] || npm ci --no-audit --no-fund --ignore-scripts)
# the map's libraries, which Maven copies into the API jar
(cd tools/web && [ -d node_modules/leaflet ] || npm ci --no-audit --no-fund --ignore-scripts)
mvn -B -q install -DskipTests
export SPARK_LOCAL_IP=127.0.0.1
exec java @etc/java17-spark.args -Xmx4g \
  -cp "local-runner/target/classes:$(cat local-runner/target/runtime-classpath.txt)" \
  com.fleetstream.local.LocalPipeline "$@"
