package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Amplitude's Cloud Storage export: events under {@code {prefix}/{appId}/}, merged IDs under {@code {prefix}/-{orgId}/}
 * (legacy organisations: under {@code {prefix}/{appId}/}, beside the events).
 */
@ValidationRule(value = "!(has(self.orgId) && has(self.legacyMergeIdLayout) && self.legacyMergeIdLayout)",
    message = "spec.source.storage: set orgId (merged IDs under -ORGID/) or legacyMergeIdLayout: true (merged IDs"
        + " under APPID/, for organisations without cross-project merging), not both",
    reason = "FieldValueInvalid")
public record StorageSourceSpec(
    @Required
    @JsonPropertyDescription("The bucket and folder given to Amplitude's Cloud Storage export.")
    GcsLocation gcs,
    @Required @Pattern(ApiPatterns.AMPLITUDE_ID) @Size(max = 19)
    @JsonPropertyDescription("The Amplitude project (app) ID, digits only: events are under {prefix}/{appId}/.")
    String appId,
    @Pattern(ApiPatterns.AMPLITUDE_ID) @Size(max = 19)
    @JsonPropertyDescription("The Amplitude organisation ID, digits only without the minus sign: merged IDs are"
        + " under {prefix}/-{orgId}/. Needed for spec.data.mergeIds unless legacyMergeIdLayout is true.")
    String orgId,
    @Default("false")
    @JsonPropertyDescription("Merged IDs are under {prefix}/{appId}/ beside the events (older organisations)."
        + " Default false.")
    Boolean legacyMergeIdLayout,
    @Pattern("^https?://[^\\s]+$") @Size(max = 2048)
    @JsonPropertyDescription("Overrides the Cloud Storage API host, for proxies and tests; needs the operator's"
        + " --allow-endpoint-overrides. Default: Google's.")
    String endpoint,
    @Required
    @JsonPropertyDescription("How the exporter authenticates to Cloud Storage: a key Secret or Workload Identity."
        + " Needs storage.objects.list and storage.objects.get (roles/storage.objectViewer) on the bucket.")
    GoogleCredentialsSpec credentials,
    @Default("0") @Min(0)
    @JsonPropertyDescription("How many malformed lines one run may skip before it fails. Default 0.")
    Integer maxBadRecords) {

  public StorageSourceSpec {
    legacyMergeIdLayout = legacyMergeIdLayout != null && legacyMergeIdLayout;
    maxBadRecords = maxBadRecords == null ? 0 : maxBadRecords;
  }
}
