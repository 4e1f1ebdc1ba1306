#!/usr/bin/env bash
# `make mutation`: PIT over the packages of issue 17, each against the tests that cover it, then the score per
# package and the surviving mutants (bench/mutation_report.py). A measurement like `make bench`, not part of
# `make test`. Env: MUTATION_THREADS (default 1: the machine is shared), MUTATION_PACKAGES (default: all five).
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B}
THREADS=${MUTATION_THREADS:-1}
PACKAGES=${MUTATION_PACKAGES:-"bigquery exporter amplitude operator.export operator.backfill"}

# The tests that cover each package (the slow seeded and memory tests are excluded in the pom's profile).
tests_for() {
  case "$1" in
    bigquery) echo "io.bqexport.bigquery.*,io.bqexport.exporter.*" ;;
    exporter) echo "io.bqexport.exporter.*" ;;
    amplitude) echo "io.bqexport.amplitude.*" ;;
    operator.export) echo "io.bqexport.operator.export.*,io.bqexport.operator.OperatorSamplesTest" ;;
    operator.backfill) echo "io.bqexport.operator.backfill.*" ;;
    *) echo "unknown package $1" >&2; exit 2 ;;
  esac
}

$MVN -q -DskipTests test-compile
for pkg in $PACKAGES; do
  echo "== io.bqexport.$pkg ($(date -u +%H:%M:%S))"
  $MVN -q -Pmutation org.pitest:pitest-maven:mutationCoverage \
    -DtargetClasses="io.bqexport.$pkg.*" -DtargetTests="$(tests_for "$pkg")" \
    -Dmutation.threads="$THREADS" -DreportsDirectory="target/pit-reports/$pkg" \
    -DexcludedClasses="io.bqexport.$pkg.*Test,io.bqexport.$pkg.*Test\$*"
done
python3 bench/mutation_report.py target/pit-reports $PACKAGES
