package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where events go: one BigQuery dataset. */
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
    @Required
    @JsonPropertyDescription("Secret key holding the Google service-account key JSON.")
    SecretKeyRef credentialsSecretRef,
    @Default("false")
    @JsonPropertyDescription("Create the dataset when it does not exist (needs bigquery.datasets.create).")
    Boolean createDataset,
    @Pattern("^https?://[^\\s]+$") @Size(max = 2048)
    @JsonPropertyDescription("Overrides the BigQuery API host, for proxies and tests. Default: Google's.")
    String endpoint) {

  public DestinationSpec {
    location = location == null ? "US" : location;
    createDataset = createDataset != null && createDataset;
  }
}
