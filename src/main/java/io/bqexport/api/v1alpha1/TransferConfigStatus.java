package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One transfer config: the table it appends to and its resource name, as `bq ls --transfer_config` shows it. */
public record TransferConfigStatus(
    @JsonPropertyDescription("The table the config appends to.")
    String table,
    @JsonPropertyDescription("The config's resource name, projects/P/locations/L/transferConfigs/ID.")
    String name,
    @JsonPropertyDescription("The config's display name in the BigQuery console.")
    String displayName) {}
