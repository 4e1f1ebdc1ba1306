#!/usr/bin/env bash
# The operator bringing BigQueryExports to Ready against the mock Kubernetes API and the BigQuery emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -Xmx1g -cp "$CP" io.bqexport.bench.OperatorBench --exports="${BENCH_EXPORTS:-1000}" \
  --work=target/bench --jar=target/bqexport.jar "$@"
