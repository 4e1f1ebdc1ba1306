package io.bqexport.amplitude;

import java.net.URI;

/** Amplitude data residency; each region has its own Export API host. */
public enum AmplitudeRegion {
  US(URI.create("https://amplitude.com")),
  EU(URI.create("https://analytics.eu.amplitude.com"));

  private final URI baseUri;

  AmplitudeRegion(URI baseUri) {
    this.baseUri = baseUri;
  }

  /** The base URI the Export API and the Dashboard REST API live under. */
  public URI baseUri() {
    return baseUri;
  }

  /** Parses "US" / "EU" (case-insensitive); the error names the field and the allowed values. */
  public static AmplitudeRegion parse(String value) {
    if (value == null || value.isBlank()) {
      return US;
    }
    for (AmplitudeRegion region : values()) {
      if (region.name().equalsIgnoreCase(value.trim())) {
        return region;
      }
    }
    throw new IllegalArgumentException(
        "spec.source.amplitude.region: unknown region '" + value + "', use US or EU");
  }
}
