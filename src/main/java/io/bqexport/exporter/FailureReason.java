package io.bqexport.exporter;

/** Why a run failed; the name is the {@code reason} of the run summary and maps to one exit code. */
public enum FailureReason {
  ConfigInvalid(ExitCode.CONFIG_ERROR),
  AmplitudeAuthFailed(ExitCode.CREDENTIAL_ERROR),
  BigQueryAuthFailed(ExitCode.CREDENTIAL_ERROR),
  PermissionDenied(ExitCode.CREDENTIAL_ERROR),
  HourTooLarge(ExitCode.SOURCE_ERROR),
  SourceUnavailable(ExitCode.SOURCE_ERROR),
  ArchiveCorrupt(ExitCode.SOURCE_ERROR),
  BadRecords(ExitCode.SOURCE_ERROR),
  DatasetNotFound(ExitCode.DESTINATION_ERROR),
  DestinationUnavailable(ExitCode.DESTINATION_ERROR),
  LoadFailed(ExitCode.DESTINATION_ERROR),
  InternalError(ExitCode.INTERNAL_ERROR);

  private final ExitCode exitCode;

  FailureReason(ExitCode exitCode) {
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
