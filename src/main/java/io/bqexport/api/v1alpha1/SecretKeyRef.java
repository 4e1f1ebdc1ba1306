package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret in the resource's namespace that holds a Google service-account key file. */
public record SecretKeyRef(
    @Required @Pattern(ApiPatterns.OBJECT_NAME) @Size(max = 253)
    @JsonPropertyDescription("Name of the Secret, in the same namespace as this resource.")
    String name,
    @Default(DEFAULT_KEY) @Pattern(ApiPatterns.SECRET_KEY) @Size(max = 253)
    @JsonPropertyDescription("Key in the Secret that holds the service-account key JSON, as downloaded from Google Cloud.")
    String key) {

  public static final String DEFAULT_KEY = "service-account.json";

  public SecretKeyRef {
    key = key == null ? DEFAULT_KEY : key;
  }
}
