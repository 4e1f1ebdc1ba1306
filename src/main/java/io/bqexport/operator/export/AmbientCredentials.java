package io.bqexport.operator.export;

import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.util.List;

/**
 * The operator pod's own Google identity (Application Default Credentials), with which it probes exports that use
 * Workload Identity: on GKE, the Google service account bound to the operator's Kubernetes service account, whose
 * tokens come from the metadata server. Tests pass credentials on a metadata-server stand-in.
 */
@FunctionalInterface
public interface AmbientCredentials {
  List<String> SCOPES = List.of("https://www.googleapis.com/auth/bigquery",
      "https://www.googleapis.com/auth/devstorage.read_only");

  GoogleCredentials get() throws IOException;

  /** google-auth's lookup: GOOGLE_APPLICATION_CREDENTIALS, gcloud's file, then the metadata server. */
  static AmbientCredentials applicationDefault() {
    return () -> {
      GoogleCredentials credentials = GoogleCredentials.getApplicationDefault();
      return credentials.createScopedRequired() ? credentials.createScoped(SCOPES) : credentials;
    };
  }
}
