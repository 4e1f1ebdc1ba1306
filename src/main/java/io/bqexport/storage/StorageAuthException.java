package io.bqexport.storage;

import io.bqexport.amplitude.AmplitudeException;

/**
 * No access token could be obtained for Cloud Storage (a key that is revoked, or a metadata server that refuses:
 * with Workload Identity, a pod whose Kubernetes service account is not bound to a Google service account).
 * Never retried as an outage.
 */
public final class StorageAuthException extends AmplitudeException {
  public static final String REASON = "StorageAuthFailed";

  StorageAuthException(String detail, Throwable cause) {
    super(REASON, "no access token for Cloud Storage (" + detail + "): with a key, check that it is valid and not "
        + "deleted; with Workload Identity, check that the exporter's Kubernetes service account is annotated "
        + "iam.gke.io/gcp-service-account and bound to that Google service account with "
        + "roles/iam.workloadIdentityUser", cause);
  }
}
