package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Kubernetes-convention condition (kstatus compatible). */
public record Condition(
    @Required
    @JsonPropertyDescription("Condition type, e.g. Ready.")
    String type,
    @Required
    @JsonPropertyDescription("True, False or Unknown.")
    String status,
    @JsonPropertyDescription("A CamelCase reason; the README lists every reason and what to do about it.")
    String reason,
    @JsonPropertyDescription("What happened and how to fix it, in words.")
    String message,
    @JsonPropertyDescription("When the status last changed.")
    String lastTransitionTime,
    @JsonPropertyDescription("The spec generation the condition was computed for.")
    Long observedGeneration) {

  @JsonIgnore
  public boolean isTrue() {
    return "True".equals(status);
  }
}
