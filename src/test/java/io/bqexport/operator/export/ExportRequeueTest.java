package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.ExportSpecs;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When an export is looked at again. With the default availabilityDelay of 2h, at 12:55 the 10:00 hour is the latest
 * due one and the freshness changes at 13:00, when 11:00 becomes due.
 */
class ExportRequeueTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:55:00Z");
  private final BigQueryExport export = ExportFixtures.export("analytics", "product-events", null);

  @Test
  void aSecondAfterTheNextHourBecomesDue() {
    assertThat(ExportRequeue.validSpec(export, null, null, NOW)).isEqualTo(Duration.ofMinutes(5).plusSeconds(1));
  }

  @Test
  void atMostTenMinutesLater() {
    assertThat(ExportRequeue.validSpec(export, null, null, Instant.parse("2026-11-28T12:30:00Z")))
        .isEqualTo(ExportRequeue.MAX).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void anEarlierCredentialRetryComesFirstAndOneInThePastIsIgnored() {
    assertThat(ExportRequeue.validSpec(export, retryAt("2026-11-28T12:57:00Z"), null, NOW))
        .isEqualTo(Duration.ofMinutes(2).plusSeconds(1));
    assertThat(ExportRequeue.validSpec(export, retryAt("2026-11-28T13:10:00Z"), null, NOW))
        .as("the freshness change comes first").isEqualTo(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(ExportRequeue.validSpec(export, retryAt("2026-11-28T12:54:59Z"), null, NOW))
        .as("due a second ago: now").isEqualTo(Duration.ZERO);
    assertThat(ExportRequeue.validSpec(export, retryAt("2026-11-28T12:54:58Z"), null, NOW))
        .as("long past: ignored").isEqualTo(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(ExportRequeue.validSpec(export, new CredentialValidations.Outcome(null, null, true, null, false), null,
        NOW)).as("no retry planned").isEqualTo(Duration.ofMinutes(5).plusSeconds(1));
  }

  @Test
  void transferServiceDeliveryIsPolledAtItsInterval() {
    assertThat(ExportRequeue.validSpec(export, null, Duration.ofMinutes(1), NOW)).isEqualTo(Duration.ofMinutes(1));
    assertThat(ExportRequeue.validSpec(export, null, Duration.ofMinutes(30), NOW))
        .isEqualTo(Duration.ofMinutes(5).plusSeconds(1));
  }

  @Test
  void anInvalidSpecIsLookedAtAgainWhenItsStartFromBecomesValid() {
    assertThat(ExportRequeue.invalidSpec(ExportSpecs.withStartFrom(export.getSpec(), "2026-11-28T14:00:00Z"), NOW))
        .as("valid from an hour before startFrom").contains(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(ExportRequeue.invalidSpec(ExportSpecs.withStartFrom(export.getSpec(), "2026-11-29T14:00:00Z"), NOW))
        .contains(ExportRequeue.MAX);
    assertThat(ExportRequeue.invalidSpec(export.getSpec(), NOW)).as("only an edit helps").isEmpty();
  }

  @Test
  void minIsTheShorter() {
    assertThat(ExportRequeue.min(Duration.ofSeconds(1), Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
    assertThat(ExportRequeue.min(Duration.ofSeconds(3), Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
  }

  private static CredentialValidations.Outcome retryAt(String at) {
    return new CredentialValidations.Outcome(null, null, false, Instant.parse(at), false);
  }
}
