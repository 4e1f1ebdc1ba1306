package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Marker for Workload Identity ({@code workloadIdentity: {}}); it has no settings of its own. The class annotation
 * lets Jackson write it as {} instead of refusing an empty bean.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadIdentitySpec() {}
