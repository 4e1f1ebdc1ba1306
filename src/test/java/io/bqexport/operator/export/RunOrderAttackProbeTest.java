package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withStartFrom;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.QuarantinedHourStatus;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.bigquery.CredentialProbe;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.exporter.RunSummary;
import io.bqexport.testing.ExportFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Attack on ExportStatusAssembler.notSuperseded (which observed runs may set exportedThrough and the quarantine) with
 * what status.runs may hold besides the operator's own clean records: a completionTime someone edited into the
 * status (the CRD gives status.runs[].completionTime no format), one in the future (a skewed clock or an edit), and
 * two runs that finished in the same second (Job completion times have whole seconds) with the newer one labelled
 * recorded before a restart and the older one not.
 */
class RunOrderAttackProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:56Z");
  private static final ExportSecrets.Observation SECRETS = new ExportSecrets.Observation(null,
      new ServiceAccountKeyInfo("writer@proj.iam.gserviceaccount.com", "proj", "ab:cd:ef"),
      (ExportSecrets.Values) null, "bq-writer=7,amplitude-prod=3");
  private static final CredentialValidations.Outcome VALIDATED = new CredentialValidations.Outcome(
      new CredentialProbe.Result(true, Reasons.VALIDATED, "Test upload succeeded.",
          "writer@proj.iam.gserviceaccount.com", "proj"), NOW.minusSeconds(60), false, null, false);
  private final ExportStatusAssembler assembler = new ExportStatusAssembler();

  private static BigQueryExport export(BigQueryExportStatus previous) {
    BigQueryExport export = ExportFixtures.export("team-a", "product-events", "5 * * * *");
    export.setSpec(withStartFrom(export.getSpec(), "2026-11-28T00:00:00Z"));
    export.getMetadata().setGeneration(1L);
    export.setStatus(previous);
    return export;
  }

  private static RunRecord record(String job, String start, String completion) {
    return new RunRecord(job, job + "-pod", "Scheduled", start, completion, RunSummary.SUCCEEDED, 1L, 10L, null,
        null, null, null, null);
  }

  private static RunHistory.Run run(String job, String start, String completion, String exportedThrough,
      List<RunSummary.Quarantined> quarantined) {
    RunSummary summary = new RunSummary(RunSummary.SUCCEEDED, null, null, 0, "recurring", null, List.of(), 1, 10,
        100, exportedThrough, 0, List.of(), start, completion, 0, 0, 0, quarantined);
    return new RunHistory.Run(record(job, start, completion), Optional.of(summary));
  }

  private static BigQueryExportStatus previous(String exportedThrough, List<RunRecord> runs,
      List<QuarantinedHourStatus> quarantined) {
    return new BigQueryExportStatus(1L, List.of(), null, exportedThrough, 0L, runs.get(0), runs.get(0), runs,
        null, null, quarantined, null, null);
  }

  private BigQueryExportStatus assemble(BigQueryExportStatus previous, RunHistory.Run observed) {
    BigQueryExport export = export(previous);
    return assembler.assemble(export, new ExportStatusAssembler.Observation(List.of(), SECRETS, VALIDATED,
        Optional.of(ExportCronJob.desired(export, "bqexport:test", false)), List.of(observed), null, null), NOW);
  }

  /** An unparsable completionTime in status.runs (hand-edited status) must not fail the export's reconciles. */
  @Test
  void aMalformedRecordedCompletionTimeDoesNotFailTheReconcile() {
    BigQueryExportStatus previous = previous("2026-11-28T10:00:00Z",
        List.of(record("product-events-1", "2026-11-28T11:05:00Z", "yesterday")), null);

    BigQueryExportStatus next = assemble(previous, run("product-events-2", "2026-11-28T12:05:00Z",
        "2026-11-28T12:06:00Z", "2026-11-28T11:00:00Z", List.of()));

    assertThat(next.exportedThrough()).isEqualTo("2026-11-28T11:00:00Z");
    assertThat(next.runs()).extracting(RunRecord::job).contains("product-events-2", "product-events-1");
  }

  /** The same edited record as the export's last success: the metrics skip its timestamp, the reconcile goes on. */
  @Test
  void aMalformedLastSuccessCompletionTimeDoesNotFailTheMetrics() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BigQueryExportStatus previous = previous("2026-11-28T10:00:00Z",
        List.of(record("product-events-1", "2026-11-28T11:05:00Z", "yesterday")), null);
    BigQueryExport export = export(previous);
    RunHistory.Run running = new RunHistory.Run(new RunRecord("product-events-2", null, "Scheduled",
        "2026-11-28T12:05:00Z", null, RunHistory.RUNNING, null, null, null, null, null, null, null), Optional.empty());

    BigQueryExportStatus next = assemble(previous, running);
    new ExportMetrics(registry).record(export, next, List.of(running), NOW);

    assertThat(next.lastSuccessfulRun().job()).isEqualTo("product-events-1");
    assertThat(registry.find("bqexport_export_lag_seconds").gauge()).isNotNull();
    assertThat(registry.find("bqexport_export_last_success_timestamp_seconds").gauge()).isNull();
  }

  /** An exportedThrough edited into the status that is no time fails neither the status nor the metrics. */
  @Test
  void aMalformedExportedThroughCountsAsNothingExported() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BigQueryExportStatus previous = previous("last tuesday",
        List.of(record("product-events-1", "2026-11-28T11:05:00Z", "2026-11-28T11:06:00Z")), null);
    RunHistory.Run running = new RunHistory.Run(new RunRecord("product-events-2", null, "Scheduled",
        "2026-11-28T12:05:00Z", null, RunHistory.RUNNING, null, null, null, null, null, null, null), Optional.empty());

    BigQueryExportStatus next = assemble(previous, running);
    new ExportMetrics(registry).record(export(previous), previous, List.of(running), NOW);

    assertThat(next.exportedThrough()).isNull();
    assertThat(next.conditions()).filteredOn(c -> c.type().equals("DataFresh")).singleElement()
        .satisfies(c -> assertThat(c.message()).startsWith("Exported through nothing yet"));
    SimpleMeterRegistry nothingExported = new SimpleMeterRegistry();
    new ExportMetrics(nothingExported).record(export(previous), previous(null, previous.runs(), null),
        List.of(running), NOW);
    assertThat(registry.find("bqexport_export_lag_seconds").gauge().value()).isPositive()
        .isEqualTo(nothingExported.find("bqexport_export_lag_seconds").gauge().value());
  }

  /**
   * A recorded run whose completionTime lies in the future (edited, or written by a skewed clock) must not supersede
   * every newly finished run, which would stall exportedThrough until that record left the history.
   */
  @Test
  void aRecordedRunFinishingInTheFutureDoesNotStallExportedThrough() {
    BigQueryExportStatus previous = previous("2026-11-28T10:00:00Z",
        List.of(record("product-events-1", "2026-11-28T11:05:00Z", "2027-01-01T00:00:00Z")), null);

    BigQueryExportStatus next = assemble(previous, run("product-events-2", "2026-11-28T12:05:00Z",
        "2026-11-28T12:06:00Z", "2026-11-28T11:00:00Z", List.of()));

    assertThat(next.exportedThrough()).isEqualTo("2026-11-28T11:00:00Z");
  }

  /**
   * Two runs finished in the same second (a RunNow beside the scheduled run); the newer one (later start, later
   * watermark) was labelled recorded, the operator restarted before labelling the older one. Observed alone, the
   * older run must count as superseded (same second, earlier start) and leave exportedThrough and the quarantine.
   */
  @Test
  void anOlderRunFinishedInTheSameSecondAsARecordedOneDoesNotMoveExportedThroughBack() {
    QuarantinedHourStatus newer = new QuarantinedHourStatus("2026-11-28T09:00:00Z", Reasons.LOAD_REJECTED,
        "2026-11-28T12:06:00Z", 1L);
    BigQueryExportStatus previous = previous("2026-11-28T11:00:00Z", List.of(
        record("product-events-manual", "2026-11-28T12:05:30Z", "2026-11-28T12:06:00Z"),
        record("product-events-1", "2026-11-28T12:05:00Z", "2026-11-28T12:06:00Z")), List.of(newer));

    BigQueryExportStatus next = assemble(previous, run("product-events-1", "2026-11-28T12:05:00Z",
        "2026-11-28T12:06:00Z", "2026-11-28T10:00:00Z", List.of()));

    assertThat(next.exportedThrough()).isEqualTo("2026-11-28T11:00:00Z");
    assertThat(next.quarantinedHours()).containsExactly(newer);
  }

  /** A run recorded at the same second as another is still superseded by a strictly later recorded run. */
  @Test
  void anOlderRunObservedAloneAfterAStrictlyNewerRecordedOneKeepsTheWatermarkAndQuarantine() {
    QuarantinedHourStatus newer = new QuarantinedHourStatus("2026-11-28T09:00:00Z", Reasons.LOAD_REJECTED,
        "2026-11-28T12:06:00Z", 1L);
    BigQueryExportStatus previous = previous("2026-11-28T11:00:00Z", List.of(
        record("product-events-2", "2026-11-28T12:05:00Z", "2026-11-28T12:06:00Z"),
        record("product-events-1", "2026-11-28T11:05:00Z", "2026-11-28T11:06:00Z")), List.of(newer));

    BigQueryExportStatus next = assemble(previous, run("product-events-1", "2026-11-28T11:05:00Z",
        "2026-11-28T11:06:00Z", "2026-11-28T10:00:00Z", List.of()));

    assertThat(next.exportedThrough()).isEqualTo("2026-11-28T11:00:00Z");
    assertThat(next.quarantinedHours()).containsExactly(newer);
  }
}
