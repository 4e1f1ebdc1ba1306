#!/usr/bin/env bash
# The operator bringing BigQueryExports to Ready, then holding them with run history in steady state, against the
# mock Kubernetes API and the BigQuery emulator. Its last line is the `operator:` summary.
# BENCH_EXPORTS defaults to 200: with 1,000 exports x 24 runs the history step's operator runs out of its 384 MiB heap
# while decoding the mock API's unpaged lists of 24,000 Jobs and 24,000 Pods (bench/RESULTS.md). BENCH_EXPORTS=1000
# measures ready_1000_s, and fails at that step until the operator holds run history more compactly.
set -euo pipefail
cd "$(dirname "$0")/.."
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -Xmx${BENCH_HEAP:-3g} -cp "$CP" io.bqexport.bench.OperatorBench --exports="${BENCH_EXPORTS:-200}" \
  --runs="${BENCH_RUNS:-24}" --timeout="${BENCH_TIMEOUT:-600}" --work=target/bench --jar=target/bqexport.jar "$@"
