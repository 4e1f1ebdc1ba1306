#!/usr/bin/env bash
# `make bench`: the exporter and operator benchmarks (DESIGN section 8). Run after `make build` and test-compile
# (the Makefile's bench target does both). Sizes and counts via env:
#   BENCH_SMALL_MB=256 BENCH_LARGE_MB=1024 BENCH_E2E_MB=32, and the BENCH_* of bench/operator.sh
# Output ends with the two summary lines scripts read: the exporter's, then the operator's as the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench

# Runs one part, showing its output but its summary line, which is kept in target/bench/<part>.out.
run_part() {
  set +e
  bash "bench/$1.sh" | tee "target/bench/$1.out" | grep -v "^$1: "
  local status=("${PIPESTATUS[@]}")
  set -e
  [ "${status[0]}" -eq 0 ]
}

run_part exporter
run_part operator
grep '^exporter: ' target/bench/exporter.out | tail -1
grep '^operator: ' target/bench/operator.out | tail -1
