package io.bqexport.exporter;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Google credentials of the exporter: a mounted service-account key, or, with Workload Identity, the tokens of the
 * Google service account that GKE's metadata server hands the pod. For Workload Identity this takes the metadata
 * server branch of Application Default Credentials directly (google-auth's ComputeEngineCredentials, which honours
 * GCE_METADATA_HOST): the other ADC branches read key files (GOOGLE_APPLICATION_CREDENTIALS, gcloud's file), and a
 * keyless export must never pick one up by accident. The first token is fetched at once, so a pod that is not bound
 * fails with {@link FailureReason#WorkloadIdentityUnavailable} before any work, not as an outage later.
 */
public final class GoogleCredentialsSource {

  /** google-auth's own HTTP transport: the real metadata server (or GCE_METADATA_HOST). */
  public static final GoogleCredentialsSource DEFAULT = new GoogleCredentialsSource(defaultTransport());

  private final HttpTransportFactory metadataTransport;

  /** @param metadataTransport how the metadata server is reached (a stand-in's transport in tests) */
  public GoogleCredentialsSource(HttpTransportFactory metadataTransport) {
    this.metadataTransport = metadataTransport;
  }

  private static HttpTransportFactory defaultTransport() {
    NetHttpTransport transport = new NetHttpTransport();
    return () -> transport;
  }

  /** The metadata server's credentials, with a first token already fetched. */
  public GoogleCredentials workloadIdentity(String usedFor) {
    ComputeEngineCredentials credentials = ComputeEngineCredentials.newBuilder()
        .setHttpTransportFactory(metadataTransport).build();
    try {
      credentials.refresh();
    } catch (IOException | RuntimeException e) {
      throw new ExportFailure(FailureReason.WorkloadIdentityUnavailable, "Workload Identity gave the exporter no "
          + "access token for " + usedFor + " (" + firstSentence(e.getMessage()) + "). Bind the pod's Kubernetes "
          + "service account to a Google service account: annotate it iam.gke.io/gcp-service-account=GSA_EMAIL, "
          + "grant it roles/iam.workloadIdentityUser on that Google service account, and check that the node pool "
          + "runs the GKE metadata server (--workload-metadata=GKE_METADATA)");
    }
    return credentials;
  }

  /** A service-account key file's credentials with {@code scope}; failures are {@code reason}. */
  public static ServiceAccountCredentials keyFile(String file, String scope, FailureReason reason, String field) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      return (ServiceAccountCredentials) ServiceAccountCredentials.fromStream(in).createScoped(List.of(scope));
    } catch (IOException | RuntimeException e) {
      throw new ExportFailure(reason, "cannot use the service-account key " + field + " " + file + " ("
          + e.getClass().getSimpleName() + "); check that the Secret is mounted and holds a JSON key");
    }
  }

  private static String firstSentence(String message) {
    if (message == null) {
      return "no detail";
    }
    int end = message.indexOf(". ");
    return end < 0 ? message : message.substring(0, end);
  }
}
