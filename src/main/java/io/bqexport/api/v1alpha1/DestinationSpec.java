package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import io.fabric8.generator.annotation.ValidationRule;

/** Where events go: one BigQuery dataset. */
@ValidationRule(value = "has(self.credentialsSecretRef) != has(self.credentials)",
    message = "spec.destination: set exactly one of credentialsSecretRef (a service-account key Secret) and"
        + " credentials (secretRef, or workloadIdentity: {} for no key)",
    reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.credentials) || !has(self.credentials.workloadIdentity) || has(self.projectId)",
    message = "spec.destination.projectId is required with credentials.workloadIdentity: there is no key to take"
        + " the project from",
    reason = "FieldValueRequired")
public record DestinationSpec(
    @Pattern(ApiPatterns.PROJECT_ID) @Size(max = 128)
    @JsonPropertyDescription("Google Cloud project of the dataset. Default: project_id from the service-account key.")
    String projectId,
    @Required @Pattern(ApiPatterns.DATASET) @Size(max = 1024)
    @JsonPropertyDescription("BigQuery dataset that receives the tables (letters, digits, underscores).")
    String dataset,
    @Default("US") @Size(min = 1, max = 64)
    @JsonPropertyDescription("BigQuery location of the dataset, e.g. US, EU or europe-west1.")
    String location,
    @JsonPropertyDescription("Secret key holding the Google service-account key JSON. Same as"
        + " credentials.secretRef; set one of the two.")
    SecretKeyRef credentialsSecretRef,
    @Default("false")
    @JsonPropertyDescription("Create the dataset when it does not exist (needs bigquery.datasets.create).")
    Boolean createDataset,
    @Pattern("^https?://[^\\s]+$") @Size(max = 2048)
    @JsonPropertyDescription("Overrides the BigQuery API host, for proxies and tests. Default: Google's.")
    String endpoint,
    @JsonPropertyDescription("How the exporter authenticates to BigQuery: secretRef (a key Secret) or"
        + " workloadIdentity: {} (no key). Alternative to credentialsSecretRef.")
    GoogleCredentialsSpec credentials) {

  public DestinationSpec {
    location = location == null ? "US" : location;
    createDataset = createDataset != null && createDataset;
  }

  /** A destination authenticated by the key in credentialsSecretRef. */
  public DestinationSpec(String projectId, String dataset, String location, SecretKeyRef credentialsSecretRef,
      Boolean createDataset, String endpoint) {
    this(projectId, dataset, location, credentialsSecretRef, createDataset, endpoint, null);
  }

  /** The key Secret, from credentialsSecretRef or credentials.secretRef; null with Workload Identity. */
  public SecretKeyRef keySecretRef() {
    return credentialsSecretRef != null ? credentialsSecretRef : credentials == null ? null : credentials.secretRef();
  }

  /** The field that names the key Secret, for messages. */
  public String keySecretField() {
    return credentialsSecretRef != null ? "spec.destination.credentialsSecretRef"
        : "spec.destination.credentials.secretRef";
  }

  public boolean usesWorkloadIdentity() {
    return credentialsSecretRef == null && credentials != null && credentials.usesWorkloadIdentity();
  }
}
