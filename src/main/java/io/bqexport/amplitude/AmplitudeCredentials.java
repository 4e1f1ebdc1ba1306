package io.bqexport.amplitude;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** A project's API key and secret key. toString never reveals them. */
public final class AmplitudeCredentials {
  private final String apiKey;
  private final String secretKey;

  public AmplitudeCredentials(String apiKey, String secretKey) {
    this.apiKey = requireValue(apiKey, "api-key");
    this.secretKey = requireValue(secretKey, "secret-key");
  }

  private static String requireValue(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "Amplitude Secret: key '" + name + "' is empty; set it to the project's " + name);
    }
    return value.strip();
  }

  /** The value of the Authorization header: Basic base64(apiKey:secretKey). */
  String basicAuthorization() {
    String pair = apiKey + ":" + secretKey;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AmplitudeCredentials that
        && apiKey.equals(that.apiKey) && secretKey.equals(that.secretKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(apiKey, secretKey);
  }

  @Override
  public String toString() {
    return "AmplitudeCredentials[apiKey=<redacted>, secretKey=<redacted>]";
  }
}
