package io.bqexport.testing.amplitude;

import java.io.IOException;

/** Thrown inside the stand-in's handler so that the JDK server drops the connection without finishing it. */
final class InjectedReset extends IOException {
  InjectedReset(String message) {
    super(message);
  }
}
