#!/usr/bin/env bash
# `make bench`: the exporter and operator benchmarks (DESIGN section 8); each part ends with its summary line.
# Run after `make build` and test-compile (the Makefile's bench target does both). Sizes and counts via env:
#   BENCH_SMALL_MB=256 BENCH_LARGE_MB=1024 BENCH_E2E_MB=32 BENCH_EXPORTS=1000
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/exporter.sh
bash bench/operator.sh
