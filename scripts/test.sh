#!/usr/bin/env bash
# README command 2: every test (unit and integration against real local servers the tests start).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "node (Node.js) is required for the Kinesis emulator" >&2; exit 1; }
# the Kinesis emulator, and the HCL reader the deploy tests plan terraform/ with
(cd tools/kinesalite && [ -d node_modules/kinesalite ] || npm ci --no-audit --no-fund --ignore-scripts)
(cd tools/hcl2json && [ -d node_modules/@cdktn/hcl2json ] || npm ci --no-audit --no-fund --ignore-scripts)
exec mvn -B verify "$@"
