package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One event-type rule: an exact event type, or a prefix. */
@ValidationRule(value = "has(self.eventType) != has(self.prefix)",
    message = "spec.data.events.filter: each rule sets exactly one of eventType (an exact event type) and prefix"
        + " (event types starting with it)",
    reason = "FieldValueInvalid")
public record FilterRuleSpec(
    @Size(min = 1, max = FilterRuleSpec.MAX_LENGTH)
    @JsonPropertyDescription("An exact event_type, e.g. Purchase.")
    String eventType,
    @Size(min = 1, max = FilterRuleSpec.MAX_LENGTH)
    @JsonPropertyDescription("Event types starting with this, e.g. '[Amplitude] '.")
    String prefix) {

  public static final int MAX_LENGTH = 1024;
}
