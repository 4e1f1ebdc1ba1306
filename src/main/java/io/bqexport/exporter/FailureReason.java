package io.bqexport.exporter;

/** Why a run failed; the name is the {@code reason} of the run summary and maps to one exit code. */
public enum FailureReason {
  ConfigInvalid(ExitCode.CONFIG_ERROR),
  AmplitudeAuthFailed(ExitCode.CREDENTIAL_ERROR),
  BigQueryAuthFailed(ExitCode.CREDENTIAL_ERROR),
  PermissionDenied(ExitCode.CREDENTIAL_ERROR),
  /** Cloud Storage refused the storage source's identity (401/403 on objects.list or objects.get). */
  StorageAccessDenied(ExitCode.CREDENTIAL_ERROR),
  /** No access token for Cloud Storage (a revoked key). */
  StorageAuthFailed(ExitCode.CREDENTIAL_ERROR),
  /** Workload Identity: the metadata server gives the pod no token (its service account is not bound). */
  WorkloadIdentityUnavailable(ExitCode.CREDENTIAL_ERROR),
  /** The storage source's bucket does not exist. */
  BucketNotFound(ExitCode.SOURCE_ERROR),
  HourTooLarge(ExitCode.SOURCE_ERROR),
  SourceUnavailable(ExitCode.SOURCE_ERROR),
  ArchiveCorrupt(ExitCode.SOURCE_ERROR),
  BadRecords(ExitCode.SOURCE_ERROR),
  DatasetNotFound(ExitCode.DESTINATION_ERROR),
  DestinationUnavailable(ExitCode.DESTINATION_ERROR),
  LoadFailed(ExitCode.DESTINATION_ERROR),
  /** BigQuery rejected the rows of a load job (the job's errorResult): permanent for that hour. */
  LoadRejected(ExitCode.DESTINATION_ERROR),
  /** A concurrent commit to the same table won; retried, reported only when the retries ran out. */
  TransactionAborted(ExitCode.DESTINATION_ERROR),
  QuotaExceeded(ExitCode.DESTINATION_ERROR),
  InternalError(ExitCode.INTERNAL_ERROR);

  /** Failures bound to the data of an hour: the run records them and goes on with later hours (quarantine). */
  public boolean hourSpecific() {
    return this == LoadRejected || this == BadRecords || this == HourTooLarge || this == ArchiveCorrupt;
  }

  private final ExitCode exitCode;

  FailureReason(ExitCode exitCode) {
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
