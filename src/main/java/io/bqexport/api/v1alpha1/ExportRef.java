package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A BigQueryExport in the same namespace. */
public record ExportRef(
    @Required @Pattern(ApiPatterns.OBJECT_NAME) @Size(max = 253)
    @JsonPropertyDescription("Name of the BigQueryExport whose source, destination and credentials are used.")
    String name) {}
