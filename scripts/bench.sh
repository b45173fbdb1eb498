#!/usr/bin/env bash
# Benchmarks (not part of the tests): each against its baseline in the same run.
# Usage: bash scripts/bench.sh [events, default 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
exec java @etc/java17-spark.args -Xmx3g \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)" \
  com.fleetstream.bench.Benchmarks "$@"
