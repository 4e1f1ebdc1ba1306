package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Which event types are exported: kept when include is empty or matches, and exclude does not match. */
public record EventFilterSpec(
    @Size(max = EventFilterSpec.MAX_RULES)
    @JsonPropertyDescription("Export only events matching one of these rules. Empty: every event type.")
    List<FilterRuleSpec> include,
    @Size(max = EventFilterSpec.MAX_RULES)
    @JsonPropertyDescription("Never export events matching one of these rules (applied after include).")
    List<FilterRuleSpec> exclude) {

  public static final int MAX_RULES = 100;
}
