#!/usr/bin/env bash
# `make mutation`: PIT over the packages of issue 17, each against the tests that cover it, then the score per
# package and the surviving mutants (bench/mutation_report.py). A measurement like `make bench`, not part of
# `make test`. Env: MUTATION_THREADS (PIT threads per stream, default 3; see STREAMS below),
# MUTATION_UNIT_SIZE (mutants per minion JVM in the exporter's emulator part, default 16), MUTATION_PACKAGES (default: all five),
# MUTATION_OPERATOR_TESTS (set: the operator packages also run their quicker operator tests), MUTATION_ARGS (more -D options, e.g. -Dverbose=true: each mutant's "detected = KILLED" line in the log as it ends).
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B}
THREADS=${MUTATION_THREADS:-3}
# At most this many mutants per minion JVM in the exporter's emulator part (PIT's mutationUnitSize; PIT's default,
# used elsewhere, puts a whole class in one): ExportRun (110 mutants, ~1 s a test) was one minion on one thread for
# half an hour while the other threads had finished (bench/MUTATION.md, session 8). Smaller units spread it over the
# threads, for a JVM start and a cold cache per unit: bigquery, whose classes are small, got slower with them.
UNIT_SIZE=${MUTATION_UNIT_SIZE:-16}
unit_size_for() {
  case "$1" in
    exporter/emulator) echo "$UNIT_SIZE" ;;
    *) echo 0 ;;
  esac
}
PACKAGES=${MUTATION_PACKAGES:-"bigquery exporter amplitude operator.export operator.backfill"}

# The tests that cover each package, chosen fast enough that a package finishes in minutes: unit and contract tests
# and the quicker integration tests. Left out: any class with a test over 10 s or over 75 s in all in the last full
# run (ExactlyOnceMatrix, RandomInterleaving, UnroutedEventsInterleaving, ExporterMemory, StorageSourceExport,
# CommitCrashRecovery, CredentialValidation, TruthfulConditions, TransferDelivery, StorageCredentialValidation,
# ProbesAtScale, TransferBackfill, Demo): PIT runs every covering test on each surviving mutant, so one slow class
# costs minutes per survivor. What they alone cover shows up as survivors (bench/MUTATION.md says which).
E=io.bqexport.exporter
# The exporter's pure classes (config, plans, filter, summary, version) and the unit tests that kill all their
# mutants: a part of their own, so that a survivor among them reruns these tests only, never the emulator runs.
EXPORTER_PURE="$E.ExporterConfig*,$E.RunSummary*,$E.EventTypeFilter*,$E.ExportWindowPlanner*,$E.IntegrityPlan*,\
$E.ChunkPlan*,$E.Version*"
EXPORTER_UNIT="$E.ChunkPlanTest,$E.ExportWindowPlannerTest,$E.IntegrityPlanTest,$E.RunSummaryTest,\
$E.ExporterConfigReaderTest,$E.ExporterConfigLimitsTest,$E.ExporterConfigDefaultsTest,$E.EventTypeFilterTest,\
$E.VersionTest"
X=io.bqexport.operator.export
B=io.bqexport.operator.backfill
tests_for() {
  case "$1" in
    # bigquery's own unit tests (the mappers' too), and the exporter runs that drive Committer, Ledger, StagingTables,
    # Quarantine and TableManager against the emulator (2-5 s a test).
    bigquery) echo "io.bqexport.bigquery.*Test,$E.ExportRunTest,$E.ReplaceAndFreshTablesTest,$E.QuarantineTest,\
$E.TransientFailuresAreNotQuarantinedTest,$E.MergedUserQueryTest,$E.AdoptAmplitudeTableTest" ;;
    # The exporter: its pure classes' unit tests (EXPORTER_UNIT), then the runs against the emulator (1-4 s a test).
    # Left out although they cover the package: AdoptAmplitudeTableTest and ReplaceAndFreshTablesTest, the first
    # killer of no exporter mutant in session 7's run (its mutations.xml), so every kill keeps its killer and each
    # survivor reruns up to 6 tests fewer. They stay in bigquery's list.
    exporter) echo "$EXPORTER_UNIT,$E.ExportRunOutcomeTest,$E.ExportRunTest,$E.QuarantineTest,\
$E.TransientFailuresAreNotQuarantinedTest,$E.MergedUserQueryTest,$E.EventContentTest,\
$E.EventFilterTest,$E.EventHourRoutingTest,$E.StorageSourceFailuresTest,$E.WorkloadIdentityExportTest,\
$E.IntegrityRecheckTest,$E.WindowRowWriterTest,$E.IntegrityCheckTest,$E.ExporterClientsTest" ;;
    # all fast (the contract test's 40 cases take 11 s in all)
    amplitude) echo "io.bqexport.amplitude.*Test" ;;
    # The operator packages: only tests that start no operator (unit tests, and the reconcilers' parts, the Secret
    # readers, the Event recorders and the Transfer Service paths against the stand-ins). The operator tests start JOSDK against the stand-in per test (seconds to tens of
    # seconds each) and PIT reruns all covering tests on each surviving mutant: with them a package takes hours
    # (bench/MUTATION.md, mutop). What only a running operator reaches (the reconcile shells, the event-source
    # wiring) counts as NO_COVERAGE here; MUTATION_OPERATOR_TESTS=1 adds the quicker operator tests (hours at load 20+).
    operator.export) echo "$X.FreshnessTest,$X.CronScheduleTest,$X.ExportSpecValidatorTest,$X.StorageSpecRulesTest,\
$X.TransferSpecRulesTest,$X.TransferObservationTest,$X.IntegrityProgressTest,$X.ExportUpdateFilterTest,\
$X.ExportChildStoresTest,$X.ExportMetricsTest,$X.StorageExportChildrenTest,$X.ExportPodTemplateMemoryTest,\
$X.TransferConfigsOfExportTest,$X.PackedItemStoreTest,$X.ExportRetriesDefaultsProbeTest,$X.ExportSecretsStormTest,\
$X.ExportSecretsTest,$X.ExportStatusAssemblerTest,$X.RunHistoryTest,$X.RunEventsTest,$X.IntegrityEventsTest,\
$X.CredentialGateTest,$X.AuthFailedRunsTest,$X.ExportRequeueTest,$X.ExportReconcilerKeysTest,\
$X.ExportReconcilerPathsTest,$X.RunNowStarterTest,$X.ExportCronJobTest,$X.TransferDeliveryWithoutOperatorTest,\
$X.TransferFinalizerTest,$X.TransferEventsTest,$X.ExportStatusAssemblerTransferTest,$X.CredentialValidationsTest,\
$X.ChildNamesTest,$X.ExportRetriesTest,$X.ExportSecretsChecksTest,$X.ExporterConfigMapTest,$X.RunNowTest,\
$X.SecretFactsTest,$X.SourceChecksTest,$X.ProbeRunnerTest,$X.ForgedRunsTest,\
$X.FinishedRunsWithoutOperatorTest${MUTATION_OPERATOR_TESTS:+,$X.ExportReconcilerConditionsTest,\
$X.CredentialsInDoubtTest,$X.ExportChildrenTest,$X.SecretReferencePathTest,$X.WorkloadIdentityTenancyTest,\
io.bqexport.operator.OperatorSamplesTest}" ;;
    operator.backfill) echo "$B.BackfillChunksTest,$B.BackfillSpecValidatorTest,$B.TransferBackfillPlanTest,\
$B.BackfillStatusAssemblerTest,$B.BackfillEventsTest,$B.TransferRunProgressTest,$B.BackfillReconcilerTest,\
$B.TransferBackfillStepTest\
${MUTATION_OPERATOR_TESTS:+,$B.BackfillStaleExportStatusTest,$B.BackfillLifecycleTest,\
$B.BackfillPinnedConfigTest,$B.BackfillConditionsTest}" ;;
    *) echo "unknown package $1" >&2; exit 2 ;;
  esac
}
# A package runs in parts, each part's classes against its own tests. bigquery's mappers and error texts are pure and
# have thorough unit tests, but every end-to-end run maps rows too: PIT runs all covering tests on a surviving mutant,
# so each (equivalent) survivor of StreamingEventMapper's screens cost a pass over the exporter runs. A part is
# "name|classes|classes left to another part|tests"; its report is target/pit-reports/<package>/<name>.
G=io.bqexport.bigquery
MAPPERS="$G.EventMapper*,$G.StreamingEventMapper*,$G.BigQueryTimestamps*,$G.LoneSurrogates*,$G.MergeIdMapper*,\
$G.JobFailures*,$G.ErrorText*,$G.JobLabels*"
parts_for() {
  case "$1" in
    bigquery) echo "mappers|$MAPPERS||$G.EventMapperTest,$G.EventMapperEquivalenceTest,$G.BytePathAttackProbeTest,\
$G.BigQueryTimestampsTest,$G.JobFailuresTest,$G.ErrorTextTest,$G.JobLabelsTest,$G.MergeIdMapperTest"
      echo "emulator|$G.*|,$MAPPERS|$(tests_for bigquery)" ;;
    # The pure part against its unit tests only (the mutants of these classes that only an emulator test killed in
    # session 7 got unit tests first: EventTypeFilterTest, ExporterConfigDefaultsTest, VersionTest and others);
    # the rest of the package against the whole list.
    exporter) echo "pure|$EXPORTER_PURE||$EXPORTER_UNIT"
      echo "emulator|$E.*|,$EXPORTER_PURE|$(tests_for exporter)" ;;
    *) echo "all|io.bqexport.$1.*||$(tests_for "$1")" ;;
  esac
}
# Methods left out of mutation, each only because it builds log text and nothing else (bench/MUTATION.md, mutspeed):
# ExportRun.exportName names the export in one LOG.info line; its two mutants survived every test and each cost a
# rerun of the ~75 tests that cover a run.
excluded_methods_for() {
  case "$1" in
    exporter) echo "exportName" ;;
  esac
}
# Slow classes inside the wildcards above, excluded by name. ClientInterruptsTest: one 10 s test pinning what the
# BigQuery client does with an interrupt; of our code it runs only Sql.query's normal path, which every run reaches.
SLOW="io.bqexport.bigquery.ClientInterruptsTest,$E.RandomInterleavingTest,$E.UnroutedEventsInterleavingTest,$E.ExporterMemoryTest,\
io.bqexport.operator.export.CredentialValidationTest,io.bqexport.operator.export.TruthfulConditionsTest,\
io.bqexport.operator.export.TransferDeliveryTest,io.bqexport.operator.export.StorageCredentialValidationTest,\
io.bqexport.operator.export.ProbesAtScaleTest,io.bqexport.operator.backfill.TransferBackfillTest"

run_package() {
  local pkg=$1 methods part classes elsewhere tests
  rm -rf "target/pit-reports/$pkg"
  methods=$(excluded_methods_for "$pkg")
  while IFS='|' read -r part classes elsewhere tests; do
    echo "== io.bqexport.$pkg ($part) start $(date -u +%H:%M:%S), $(uptime | sed 's/.*load/load/')"
    $MVN -q -Pmutation org.pitest:pitest-maven:mutationCoverage \
      -DtargetClasses="$classes" -DtargetTests="$tests" \
      -Dmutation.threads="$THREADS" -DmutationUnitSize="$(unit_size_for "$pkg/$part")" -DreportsDirectory="target/pit-reports/$pkg/$part" \
      -DexcludedClasses="io.bqexport.$pkg.*Test,io.bqexport.$pkg.*Test\$*$elsewhere" -DexcludedTestClasses="$SLOW" \
      ${methods:+-DexcludedMethods="$methods"} ${MUTATION_ARGS:-}
    echo "== io.bqexport.$pkg ($part) end $(date -u +%H:%M:%S), $(uptime | sed 's/.*load/load/')"
  done < <(parts_for "$pkg")
}

run_stream() {
  local pkg
  for pkg in "$@"; do
    run_package "$pkg"
  done
}

# STREAMS: all five packages run as two streams side by side, the exporter in one, the other four in the other (about
# 22 and 25 minutes alone in session 9's s11). One stream left a third of the 2 cores to nobody: a minion waits on
# loopback HTTP, a JVM start, a coverage pass in one JVM, and the light packages' unit tests kept PIT at 125-130 % of
# 200 %, the emulator parts at about 165 % (bench/MUTATION.md, session 9). Side by side each stream fills the other's
# idle time. More threads in one stream did not do it: 6 made bigquery's emulator part slower than 4 (s12).
$MVN -q -DskipTests test-compile
if [ "$PACKAGES" = "bigquery exporter amplitude operator.export operator.backfill" ]; then
  mkdir -p target/pit-reports
  echo "== two streams; their logs: target/pit-reports/stream-exporter.log and stream-others.log"
  run_stream exporter > target/pit-reports/stream-exporter.log 2>&1 &
  exporter_stream=$!
  run_stream bigquery amplitude operator.export operator.backfill > target/pit-reports/stream-others.log 2>&1 &
  others_stream=$!
  failed=0
  wait "$exporter_stream" || failed=1
  wait "$others_stream" || failed=1
  cat target/pit-reports/stream-exporter.log target/pit-reports/stream-others.log
  [ "$failed" = 0 ] || { echo "a PIT stream failed (its log is above)" >&2; exit 1; }
else
  run_stream $PACKAGES
fi
python3 bench/mutation_report.py target/pit-reports $PACKAGES
