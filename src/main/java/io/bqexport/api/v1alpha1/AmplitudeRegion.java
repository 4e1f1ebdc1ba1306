package io.bqexport.api.v1alpha1;

/** Amplitude data region; picks the Export API host. */
public enum AmplitudeRegion {
  US,
  EU
}
