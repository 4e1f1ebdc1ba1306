package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The event source: Amplitude's Export API, or Amplitude's Cloud Storage export. Exactly one. */
@ValidationRule(value = "has(self.amplitude) != has(self.storage)",
    message = "spec.source: set exactly one of amplitude (the Export API) and storage (Amplitude's Cloud Storage"
        + " export)",
    reason = "FieldValueInvalid")
public record SourceSpec(
    @JsonPropertyDescription("Amplitude project to export from, through its Export API.")
    AmplitudeSourceSpec amplitude,
    @JsonPropertyDescription("Amplitude's Cloud Storage export of the project: events and merged IDs, read from a"
        + " GCS bucket.")
    StorageSourceSpec storage) {

  /** The Export API source. */
  public SourceSpec(AmplitudeSourceSpec amplitude) {
    this(amplitude, null);
  }
}
