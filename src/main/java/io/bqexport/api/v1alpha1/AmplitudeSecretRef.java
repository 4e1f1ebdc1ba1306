package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret that holds an Amplitude project's API key and secret key. */
public record AmplitudeSecretRef(
    @Required @Pattern(ApiPatterns.OBJECT_NAME) @Size(max = 253)
    @JsonPropertyDescription("Name of the Secret, in the same namespace as this resource.")
    String name,
    @Default(DEFAULT_API_KEY_KEY) @Pattern(ApiPatterns.SECRET_KEY) @Size(max = 253)
    @JsonPropertyDescription("Key in the Secret that holds the Amplitude project API key.")
    String apiKeyKey,
    @Default(DEFAULT_SECRET_KEY_KEY) @Pattern(ApiPatterns.SECRET_KEY) @Size(max = 253)
    @JsonPropertyDescription("Key in the Secret that holds the Amplitude project secret key.")
    String secretKeyKey) {

  public static final String DEFAULT_API_KEY_KEY = "api-key";
  public static final String DEFAULT_SECRET_KEY_KEY = "secret-key";

  public AmplitudeSecretRef {
    apiKeyKey = apiKeyKey == null ? DEFAULT_API_KEY_KEY : apiKeyKey;
    secretKeyKey = secretKeyKey == null ? DEFAULT_SECRET_KEY_KEY : secretKeyKey;
  }
}
