package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** A Google identity: a service-account key in a labelled Secret, or the pod's Workload Identity. Exactly one. */
@ValidationRule(value = "has(self.secretRef) != has(self.workloadIdentity)",
    message = "credentials: set exactly one of secretRef (a service-account key in a Secret labelled"
        + " bqexport.io/credentials=true) and workloadIdentity: {} (no key; spec.pod.serviceAccountName bound to a"
        + " Google service account)",
    reason = "FieldValueInvalid")
public record GoogleCredentialsSpec(
    @JsonPropertyDescription("Secret key holding a Google service-account key JSON; the Secret must be labelled"
        + " bqexport.io/credentials=true.")
    SecretKeyRef secretRef,
    @JsonPropertyDescription("Application Default Credentials, no key: on GKE, the Google service account bound to"
        + " the Kubernetes service account spec.pod.serviceAccountName.")
    WorkloadIdentitySpec workloadIdentity) {

  public boolean usesWorkloadIdentity() {
    return workloadIdentity != null;
  }
}
