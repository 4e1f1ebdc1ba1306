package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Where events go: one BigQuery dataset. */
public record DestinationSpec(
    @Pattern(ApiPatterns.PROJECT_ID)
    @JsonPropertyDescription("Google Cloud project of the dataset. Default: project_id from the service-account key.")
    String projectId,
    @Required @Pattern(ApiPatterns.DATASET)
    @JsonPropertyDescription("BigQuery dataset that receives the tables (letters, digits, underscores).")
    String dataset,
    @Default("US")
    @JsonPropertyDescription("BigQuery location of the dataset, e.g. US, EU or europe-west1.")
    String location,
    @Required
    @JsonPropertyDescription("Secret key holding the Google service-account key JSON.")
    SecretKeyRef credentialsSecretRef,
    @Default("false")
    @JsonPropertyDescription("Create the dataset when it does not exist (needs bigquery.datasets.create).")
    Boolean createDataset,
    @Pattern("^https?://[^\\s]+$")
    @JsonPropertyDescription("Overrides the BigQuery API host, for proxies and tests. Default: Google's.")
    String endpoint) {

  public DestinationSpec {
    location = location == null ? "US" : location;
    createDataset = createDataset != null && createDataset;
  }
}
