#!/usr/bin/env bash
# README command 2: every test (unit and integration against real local servers the tests start).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "node (Node.js) is required for the Kinesis emulator" >&2; exit 1; }
# the Kinesis emulator, and the HCL reader the deploy tests plan terraform/ with
(cd tools/kinesalite && [ -d node_modules/kinesalite ] || npm ci --no-audit --no-fund --ignore-scripts)
(cd tools/hcl2json && [ -d node_modules/@cdktn/hcl2json ] || npm ci --no-audit --no-fund --ignore-scripts)
# the map's libraries (Maven copies them into the API jar) and Playwright, which drives the browser test
(cd tools/web && [ -d node_modules/leaflet ] && [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --ignore-scripts)
# Debian's Chromium for the browser test (Playwright downloads no browser of its own here)
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
exec mvn -B verify "$@"
