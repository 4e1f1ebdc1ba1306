#!/usr/bin/env bash
# The operator bringing BigQueryExports to Ready, then holding them with run history in steady state, against the
# mock Kubernetes API and the BigQuery emulator. Its last line is the `operator:` summary.
set -euo pipefail
cd "$(dirname "$0")/.."
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -Xmx${BENCH_HEAP:-3g} -cp "$CP" io.bqexport.bench.OperatorBench --exports="${BENCH_EXPORTS:-1000}" \
  --runs="${BENCH_RUNS:-24}" --timeout="${BENCH_TIMEOUT:-600}" --work=target/bench --jar=target/bqexport.jar "$@"
