package io.bqexport.amplitude;

/** 401 or 403: the API key / secret key pair is wrong. Never retried. */
public final class AmplitudeAuthException extends AmplitudeException {
  public static final String REASON = "AmplitudeAuthFailed";

  private final int status;

  public AmplitudeAuthException(int status, String request) {
    super(REASON, "Amplitude rejected the credentials (HTTP " + status + " on " + request + "): check the "
        + "api-key and secret-key of the Amplitude Secret (spec.source.amplitude.credentialsSecretRef); they must "
        + "be the API key and secret key of the exported project, in the region set in spec.source.amplitude.region");
    this.status = status;
  }

  public int status() {
    return status;
  }
}
