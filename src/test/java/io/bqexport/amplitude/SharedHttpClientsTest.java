package io.bqexport.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.GeneratedEvents;
import org.junit.jupiter.api.Test;

/** Clients built and closed over and over, as the operator's credential probes do, leave no threads behind. */
class SharedHttpClientsTest {

  @Test
  void repeatedClientsAddNoSelectorThreads() {
    try (AmplitudeExportStandIn standIn = AmplitudeExportStandIn.start(
        new GeneratedEvents(new AmplitudeEventGenerator(42, 187520)))) {
      AmplitudeClientSettings settings = AmplitudeClientSettings.of(AmplitudeRegion.US, standIn.baseUri(),
          standIn.credentials());
      probe(settings); // the first one may start the shared client's selector thread
      long before = selectorThreads();

      for (int i = 0; i < 20; i++) {
        probe(settings);
      }

      assertThat(selectorThreads()).as("HttpClient selector threads after 20 more clients")
          .isLessThanOrEqualTo(before);
    }
  }

  private static void probe(AmplitudeClientSettings settings) {
    try (AmplitudeExportClient client = new AmplitudeExportClient(settings)) {
      client.verifyCredentials();
    }
  }

  /** Each java.net.http.HttpClient runs one thread named HttpClient-N-SelectorManager until it is collected. */
  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().endsWith("-SelectorManager")).count();
  }
}
