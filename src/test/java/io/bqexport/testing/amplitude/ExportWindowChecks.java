package io.bqexport.testing.amplitude;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

final class ExportWindowChecks {
  private ExportWindowChecks() {
  }

  static Instant requireHour(Instant hour) {
    if (!hour.truncatedTo(ChronoUnit.HOURS).equals(hour)) {
      throw new IllegalArgumentException("not a whole UTC hour: " + hour);
    }
    return hour;
  }
}
