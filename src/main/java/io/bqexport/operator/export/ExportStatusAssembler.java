package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.api.v1alpha1.CredentialsStatus;
import io.bqexport.operator.status.ConditionType;
import io.bqexport.operator.status.Conditions;
import io.bqexport.operator.status.Problem;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** Turns what one reconcile observed into the complete status of a BigQueryExport. The only place that sets it. */
public final class ExportStatusAssembler {

  /** Everything the status is computed from. */
  public record Observation(List<Problem> specProblems, ExportSecrets.Observation secrets) {}

  public BigQueryExportStatus assemble(BigQueryExport export, Observation seen, Instant now) {
    BigQueryExportStatus previous = export.getStatus();
    Conditions conditions = new Conditions(previous == null ? null : previous.conditions(),
        export.getMetadata().getGeneration(), now);
    CredentialsStatus credentials = previous == null ? null : previous.credentials();

    if (!seen.specProblems().isEmpty()) {
      Problem first = seen.specProblems().get(0);
      String message = seen.specProblems().stream().map(Problem::message).collect(Collectors.joining("; "));
      conditions.unknown(ConditionType.CREDENTIALS_VALID, Reasons.SPEC_INVALID, "Not checked until the spec is fixed.");
      stalled(conditions, first.reason(), message);
    } else if (!seen.secrets().ok()) {
      Problem problem = seen.secrets().problem();
      conditions.set(ConditionType.CREDENTIALS_VALID, false, problem.reason(), problem.message());
      stalled(conditions, problem.reason(), problem.message());
      credentials = null;
    } else {
      var key = seen.secrets().key();
      conditions.unknown(ConditionType.CREDENTIALS_VALID, Reasons.VALIDATION_PENDING, "The service-account key ("
          + key.clientEmail() + ") and the Amplitude keys are present and well-formed; the test upload has not run.");
      conditions.set(ConditionType.READY, false, Reasons.VALIDATION_PENDING, "Waiting for the credentials to be validated.");
      conditions.set(ConditionType.RECONCILING, true, Reasons.VALIDATION_PENDING, "Validating the credentials.");
      conditions.set(ConditionType.STALLED, false, Reasons.VALIDATION_PENDING, "");
    }
    return new BigQueryExportStatus(export.getMetadata().getGeneration(), conditions.list(), credentials,
        previous == null ? null : previous.exportedThrough(), previous == null ? null : previous.missingHours(),
        previous == null ? null : previous.lastRun(), previous == null ? null : previous.lastSuccessfulRun(),
        previous == null ? null : previous.runs(), previous == null ? null : previous.schemaDrift(),
        previous == null ? null : previous.lastRunNow());
  }

  private static void stalled(Conditions conditions, String reason, String message) {
    conditions.set(ConditionType.READY, false, reason, message);
    conditions.set(ConditionType.RECONCILING, false, reason, "Waiting for the problem to be fixed.");
    conditions.set(ConditionType.STALLED, true, reason, message);
  }
}
