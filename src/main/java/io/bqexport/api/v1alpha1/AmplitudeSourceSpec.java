package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where events come from: one Amplitude project, through its Export API. */
public record AmplitudeSourceSpec(
    @Default("US")
    @JsonPropertyDescription("Amplitude data region: US (amplitude.com) or EU (analytics.eu.amplitude.com).")
    AmplitudeRegion region,
    @Pattern("^https?://[^\\s]+$") @Size(max = 2048)
    @JsonPropertyDescription("Overrides the Export API base URL, for proxies and tests. Default: the region's host.")
    String endpoint,
    @Required
    @JsonPropertyDescription("Secret holding the project's API key and secret key.")
    AmplitudeSecretRef credentialsSecretRef,
    @Default("0") @Min(0)
    @JsonPropertyDescription("How many malformed event lines one run may skip before it fails. Default 0: any"
        + " malformed line fails the window and nothing of it is committed.")
    Integer maxBadRecords) {

  public AmplitudeSourceSpec {
    region = region == null ? AmplitudeRegion.US : region;
    maxBadRecords = maxBadRecords == null ? 0 : maxBadRecords;
  }
}
