package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The Merge IDs table: Amplitude's merged user IDs, from the storage source only. */
public record MergeIdsSpec(
    @Default("false")
    @JsonPropertyDescription("Export merged IDs (needs spec.source.storage with orgId or legacyMergeIdLayout)."
        + " Default false.")
    Boolean enabled,
    @Default(DEFAULT_TABLE) @Pattern(ApiPatterns.TABLE) @Size(max = 1024)
    @JsonPropertyDescription("Name of the Merge IDs table. Default merge_ids.")
    String table) {

  public static final String DEFAULT_TABLE = "merge_ids";

  public MergeIdsSpec {
    enabled = enabled != null && enabled;
    table = table == null ? DEFAULT_TABLE : table;
  }
}
