#!/usr/bin/env bash
# Exporter throughput and memory against the decompression floor; see bench/RESULTS.md.
# Archives are generated once and cached under target/bench/. Extra options go to ExporterBench, e.g.
#   bench/exporter.sh "--jvm-opts=-XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:StartFlightRecording=filename=target/bench/{label}.jfr,settings=profile"
set -euo pipefail
cd "$(dirname "$0")/.."
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -Xmx1g -cp "$CP" io.bqexport.bench.ExporterBench \
  --small-mb="${BENCH_SMALL_MB:-256}" --large-mb="${BENCH_LARGE_MB:-1024}" --e2e-mb="${BENCH_E2E_MB:-32}" \
  --work=target/bench --jar=target/bqexport.jar "$@"
