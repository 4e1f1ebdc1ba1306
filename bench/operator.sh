#!/usr/bin/env bash
# The operator benchmark (io.bqexport.bench.OperatorBench), in three steps sized on their own; each prints its figures
# as it ends, and its last line is the `operator:` summary (NaN for a step that failed).
#   BENCH_EXPORTS=1000          ready step: new exports brought to Ready on fabric8's CRUD mock API
#   BENCH_HISTORY_EXPORTS=20    history step: exports given BENCH_RUNS finished runs on the CRUD mock (the template)
#   BENCH_STEADY_EXPORTS=10000  steady step: copies of the template with their Jobs and Pods on a paged API stand-in
#   BENCH_STEPS=ready,history,steady  BENCH_TIMEOUT=600 (seconds per wait)
set -euo pipefail
cd "$(dirname "$0")/.."
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -Xmx${BENCH_HEAP:-3g} -cp "$CP" io.bqexport.bench.OperatorBench --exports="${BENCH_EXPORTS:-1000}" \
  --history-exports="${BENCH_HISTORY_EXPORTS:-20}" --steady-exports="${BENCH_STEADY_EXPORTS:-10000}" \
  --runs="${BENCH_RUNS:-24}" --steps="${BENCH_STEPS:-ready,history,steady}" --timeout="${BENCH_TIMEOUT:-600}" \
  --work=target/bench --jar=target/bqexport.jar "$@"
