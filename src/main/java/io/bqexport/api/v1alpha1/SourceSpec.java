package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The event source. Amplitude's Export API is the only source so far. */
public record SourceSpec(
    @Required
    @JsonPropertyDescription("Amplitude project to export from.")
    AmplitudeSourceSpec amplitude) {}
