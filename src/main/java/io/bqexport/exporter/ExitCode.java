package io.bqexport.exporter;

/** Process exit codes of {@code bqexport export}; documented in the README. */
public enum ExitCode {
  SUCCESS(0),
  INTERNAL_ERROR(1),
  CONFIG_ERROR(2),
  CREDENTIAL_ERROR(3),
  SOURCE_ERROR(4),
  DESTINATION_ERROR(5);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
