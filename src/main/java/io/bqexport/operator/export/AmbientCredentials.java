package io.bqexport.operator.export;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;

/**
 * The operator pod's own Google identity, with which it probes exports that use Workload Identity: on GKE, the
 * Google service account bound to the operator's Kubernetes service account, whose tokens come from the metadata
 * server. Like the exporter, only the metadata-server branch of Application Default Credentials is taken: the other
 * branches read key files (GOOGLE_APPLICATION_CREDENTIALS, gcloud's), and a keyless export must never be validated
 * with a key found by accident. Tests pass credentials on a metadata-server stand-in.
 */
@FunctionalInterface
public interface AmbientCredentials {

  GoogleCredentials get() throws IOException;

  /** google-auth's ComputeEngineCredentials: the GKE or Compute Engine metadata server (or GCE_METADATA_HOST). */
  static AmbientCredentials metadataServer() {
    return ComputeEngineCredentials::create;
  }
}
