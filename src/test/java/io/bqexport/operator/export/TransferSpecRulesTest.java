package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.Delivery;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.EventFilterSpec;
import io.bqexport.api.v1alpha1.EventsSpec;
import io.bqexport.api.v1alpha1.FilterRuleSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.TransferSpec;
import io.bqexport.operator.status.Problem;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What delivery TransferService needs of a spec, each refusal naming the field and the fix. */
class TransferSpecRulesTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:00Z");
  private static final SourceSpec STORAGE = new SourceSpec(null, new StorageSourceSpec(
      new GcsLocation("acme-export", "amplitude"), "187520", null, null, null,
      new GoogleCredentialsSpec(new SecretKeyRef("bq-writer", null), null), null));
  private static final DestinationSpec DESTINATION = new DestinationSpec("acme-analytics", "amplitude", null,
      new SecretKeyRef("bq-writer", null), null, null);

  private final ExportSpecValidator validator = new ExportSpecValidator();

  @Test
  void anHourlyStorageExportIsValid() {
    assertThat(validator.validate(spec(STORAGE, null, "5 * * * *", false, Delivery.TransferService,
        new TransferSpec("projects/acme-analytics/topics/loads")), NOW)).isEmpty();
    assertThat(validator.validate(spec(STORAGE, null, "@hourly", false, Delivery.TransferService, null), NOW))
        .isEmpty();
  }

  @Test
  void aScheduleThatIsNotHourlyIsRefused() {
    assertThat(validator.validate(spec(STORAGE, null, "5 */2 * * *", false, Delivery.TransferService, null), NOW))
        .singleElement().satisfies(p -> {
          assertThat(p.reason()).isEqualTo(Reasons.INVALID_SCHEDULE);
          assertThat(p.message()).contains("spec.schedule", "'5 */2 * * *'", "hourly", "delivery: Direct");
        });
  }

  @Test
  void theExportApiSourceIsRefused() {
    SourceSpec amplitude = new SourceSpec(new AmplitudeSourceSpec(null, null,
        new AmplitudeSecretRef("amplitude-prod", null, null), null));
    assertThat(messages(spec(amplitude, null, "5 * * * *", false, Delivery.TransferService, null)))
        .singleElement().asString().contains("spec.delivery: TransferService needs spec.source.storage");
  }

  @Test
  void aFilterOrSuspendCannotBeHonouredAndIsRefused() {
    DataSpec filtered = new DataSpec(new EventsSpec(null, null, new EventFilterSpec(null,
        List.of(new FilterRuleSpec("debug", null)))));
    assertThat(messages(spec(STORAGE, filtered, "5 * * * *", false, Delivery.TransferService, null)))
        .singleElement().asString().contains("spec.data.events.filter", "loads whole files", "delivery: Direct");
    assertThat(messages(spec(STORAGE, null, "5 * * * *", true, Delivery.TransferService, null)))
        .singleElement().asString().contains("spec.suspend", "delivery: Direct");
  }

  @Test
  void aPrefixTheTransferServiceWouldReadAsAPatternIsRefused() {
    for (String prefix : List.of("amplitude*", "amp/{run_time|\"%Y\"}", "amp}")) {
      SourceSpec source = new SourceSpec(null, new StorageSourceSpec(new GcsLocation("acme-export", prefix),
          "187520", null, null, null, new GoogleCredentialsSpec(new SecretKeyRef("bq-writer", null), null), null));
      assertThat(messages(spec(source, null, "5 * * * *", false, Delivery.TransferService, null)))
          .singleElement().asString().contains("spec.source.storage.gcs.prefix", prefix, "wildcard",
              "delivery: Direct");
      assertThat(messages(spec(source, null, "5 * * * *", false, Delivery.Direct, null)))
          .as("a literal folder name in Direct delivery").isEmpty();
    }
  }

  @Test
  void transferSettingsWithoutTheTransferServiceAreRefused() {
    assertThat(messages(spec(STORAGE, null, "5 * * * *", false, Delivery.Direct,
        new TransferSpec("projects/acme-analytics/topics/loads"))))
        .singleElement().asString().contains("spec.transfer is used only with spec.delivery: TransferService");
  }

  private List<String> messages(BigQueryExportSpec spec) {
    return validator.validate(spec, NOW).stream().map(Problem::message).toList();
  }

  private static BigQueryExportSpec spec(SourceSpec source, DataSpec data, String schedule, boolean suspend,
      Delivery delivery, TransferSpec transfer) {
    return new BigQueryExportSpec(source, DESTINATION, data, schedule, null, null, suspend, null, null, null, null,
        null, null, delivery, transfer);
  }
}
