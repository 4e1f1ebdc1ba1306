package io.bqexport.operator.export;

import static io.bqexport.testing.ExportSpecs.withIntegrity;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.IntegritySpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.operator.status.Problem;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportSpecValidatorTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:00Z");
  private final ExportSpecValidator validator = new ExportSpecValidator();

  static BigQueryExportSpec spec(String dataset, String schedule, String startFrom, String delay) {
    return new BigQueryExportSpec(
        new SourceSpec(new AmplitudeSourceSpec(null, null, new AmplitudeSecretRef("amplitude", null, null), null)),
        new DestinationSpec(null, dataset, null, new SecretKeyRef("bq-writer", null), null, null),
        null, schedule, delay, startFrom, null, null, null, null, null, null);
  }

  @Test
  void aValidSpecHasNoProblems() {
    assertThat(validator.validate(spec("amplitude", null, "2026-11-01T00:00:00Z", null), NOW)).isEmpty();
    assertThat(validator.validate(spec("amplitude", "CRON_TZ=UTC @hourly", "2026-11-28T13:00:00Z", "90m"), NOW))
        .isEmpty();
  }

  @Test
  void eachBadFieldIsNamedWithItsFix() {
    assertThat(reasons(spec("amplitude", "5 * * *", null, null))).containsExactly("InvalidSchedule");
    assertThat(messages(spec("amplitude", null, null, "two hours"))).singleElement().asString()
        .contains("spec.availabilityDelay", "2h, 90m or 1h30m");
    assertThat(messages(spec("amplitude-prod", null, null, null))).singleElement().asString()
        .contains("spec.destination.dataset", "underscores");
    assertThat(messages(spec("amplitude", null, "2026-11-01T00:30:00Z", null))).singleElement().asString()
        .contains("spec.startFrom", "whole hour", "2026-11-01T00:00:00Z");
    assertThat(messages(spec("amplitude", null, "2026-11-28T15:00:00Z", null))).singleElement().asString()
        .contains("spec.startFrom", "more than an hour in the future");
    assertThat(messages(spec("amplitude", null, "yesterday", null))).singleElement().asString()
        .contains("spec.startFrom", "RFC 3339");
  }

  /** Kubernetes' rule for Secret keys: [-._a-zA-Z0-9]+, not "." or "..", not starting with ".." (..data). */
  @Test
  void secretKeysFollowKubernetesRules() {
    for (String key : List.of(".", "..", "..data", "..x", "a/b", "", "key json")) {
      assertThat(messages(googleKeyAt(key))).as(key).singleElement().asString()
          .contains("spec.destination.credentialsSecretRef.key '" + key + "' is not a Secret key",
              "not starting with '..'");
    }
    for (String key : List.of("key.json", ".hidden", "a..b", "x..", "-_.9")) {
      assertThat(messages(googleKeyAt(key))).as(key).isEmpty();
    }
  }

  private static BigQueryExportSpec googleKeyAt(String key) {
    return new BigQueryExportSpec(
        new SourceSpec(new AmplitudeSourceSpec(null, null, new AmplitudeSecretRef("amplitude", null, null), null)),
        new DestinationSpec(null, "amplitude", null, new SecretKeyRef("bq-writer", key), null, null),
        null, null, null, "2026-11-01T00:00:00Z", null, null, null, null, null, null);
  }

  @Test
  void integrityValuesThatCannotWorkAreNamedWithTheirFix() {
    BigQueryExportSpec valid = spec("amplitude", null, null, null);
    assertThat(validator.validate(withIntegrity(valid, new IntegritySpec(true, "2h", "3h", 0)), NOW)).isEmpty();
    assertThat(validator.validate(withIntegrity(valid, new IntegritySpec(false, "2d", "30d", 8784)), NOW))
        .isEmpty();

    assertThat(validator.validate(withIntegrity(valid, new IntegritySpec(null, "1h", null, null)), NOW))
        .singleElement().satisfies(p -> {
          assertThat(p.reason()).isEqualTo("InvalidIntegrity");
          assertThat(p.message()).contains("spec.integrity.recheckAfter 1h", "spec.availabilityDelay",
              "at least the availabilityDelay");
        });
    assertThat(validator.validate(withIntegrity(valid, new IntegritySpec(null, "2d", "48h", null)), NOW))
        .singleElement().satisfies(p -> {
          assertThat(p.reason()).isEqualTo("InvalidIntegrity");
          assertThat(p.message()).contains("spec.integrity.lookback 48h", "at least recheckAfter + 1h");
        });
    assertThat(validator.validate(withIntegrity(spec("amplitude", null, null, "0h"), new IntegritySpec(null, "0h",
        null, null)), NOW)).singleElement().satisfies(p -> assertThat(p.message())
            .contains("spec.integrity.recheckAfter is 0", "spec.integrity.enabled to false"));
    assertThat(validator.validate(withIntegrity(valid, new IntegritySpec(null, null, null, 9000)), NOW))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("spec.integrity.maxHoursPerRun 9000",
            "0 to 8784"));
    assertThat(validator.validate(withIntegrity(valid, new IntegritySpec(null, "a week", null, null)), NOW))
        .singleElement().satisfies(p -> {
          assertThat(p.reason()).isEqualTo("InvalidDuration");
          assertThat(p.message()).contains("spec.integrity.recheckAfter", "7d, 36h or 1d12h");
        });
    assertThat(validator.validate(withIntegrity(valid, new IntegritySpec(null, null, "99999999999999999999d",
        null)), NOW)).singleElement().satisfies(p -> assertThat(p.message())
            .contains("spec.integrity.lookback", "too long"));
  }

  @Test
  void missingRequiredSectionsAreReportedInsteadOfFailingTheReconcile() {
    BigQueryExportSpec empty = new BigQueryExportSpec(null, null, null, null, null, null, null, null, null, null,
        null, null);
    assertThat(messages(empty)).anySatisfy(m -> assertThat(m).contains("spec.source.amplitude.credentialsSecretRef"))
        .anySatisfy(m -> assertThat(m).contains("spec.destination.dataset"));
  }

  private List<String> reasons(BigQueryExportSpec spec) {
    return validator.validate(spec, NOW).stream().map(Problem::reason).toList();
  }

  private List<String> messages(BigQueryExportSpec spec) {
    return validator.validate(spec, NOW).stream().map(Problem::message).toList();
  }

  private static BigQueryExportSpec spec(AmplitudeSourceSpec source, DestinationSpec destination, String table,
      String validationInterval) {
    return new BigQueryExportSpec(new SourceSpec(source), destination,
        new io.bqexport.api.v1alpha1.DataSpec(new io.bqexport.api.v1alpha1.EventsSpec(null, table)), null, null,
        null, null, null, null, null, validationInterval, null);
  }

  private static final AmplitudeSourceSpec AMPLITUDE =
      new AmplitudeSourceSpec(null, null, new AmplitudeSecretRef("amplitude", null, null), null);
  private static final DestinationSpec DESTINATION =
      new DestinationSpec(null, "amplitude", null, new SecretKeyRef("bq-writer", null), null, null);

  private List<String> messagesOf(ExportSpecValidator validator, BigQueryExportSpec spec) {
    return validator.validate(spec, NOW).stream().map(Problem::message).toList();
  }

  @Test
  void theTableProjectAndSecretNamesAreChecked() {
    assertThat(messagesOf(validator, spec(AMPLITUDE, DESTINATION, "1events", null))).singleElement().asString()
        .startsWith("spec.data.events.table '1events' is not valid");
    assertThat(messagesOf(validator, spec(AMPLITUDE, new DestinationSpec("Acme Analytics", "amplitude", null,
        new SecretKeyRef("bq-writer", null), null, null), null, null))).singleElement().asString()
        .startsWith("spec.destination.projectId 'Acme Analytics' is not valid");
    assertThat(messagesOf(validator, spec(AMPLITUDE, new DestinationSpec("acme-analytics", "amplitude", null,
        new SecretKeyRef("bq-writer", null), null, null), null, null))).isEmpty();
    var badRef = new AmplitudeSourceSpec(null, null, new AmplitudeSecretRef("../other", "..", "a/b"), null);
    assertThat(messagesOf(validator, spec(badRef, DESTINATION, null, null))).containsExactly(
        "spec.source.amplitude.credentialsSecretRef.name '../other' is not valid: name a Secret in this namespace"
            + " (lowercase letters, digits, '-' and '.')",
        "spec.source.amplitude.credentialsSecretRef.apiKeyKey '..' is not a Secret key: use letters, digits, '-',"
            + " '_' and '.', not '.' alone and not starting with '..'",
        "spec.source.amplitude.credentialsSecretRef.secretKeyKey 'a/b' is not a Secret key: use letters, digits,"
            + " '-', '_' and '.', not '.' alone and not starting with '..'");
  }

  @Test
  void endpointsMustBeHttpUrlsWhereOverridesAreAllowed() {
    var overrides = new ExportSpecValidator(true);
    var proxied = new AmplitudeSourceSpec(null, "ftp://amplitude.example.com",
        new AmplitudeSecretRef("amplitude", null, null), null);
    assertThat(messagesOf(overrides, spec(proxied, DESTINATION, null, null))).containsExactly(
        "spec.source.amplitude.endpoint 'ftp://amplitude.example.com' is not an http(s) URL; use e.g."
            + " https://proxy.example.com");
    var noHost = new DestinationSpec(null, "amplitude", null, new SecretKeyRef("bq-writer", null), null, "http:x");
    assertThat(messagesOf(overrides, spec(AMPLITUDE, noHost, null, null))).singleElement().asString()
        .startsWith("spec.destination.endpoint 'http:x' is not an http(s) URL");
    var good = new AmplitudeSourceSpec(null, "http://amplitude.local:8080",
        new AmplitudeSecretRef("amplitude", null, null), null);
    var goodDestination = new DestinationSpec(null, "amplitude", null, new SecretKeyRef("bq-writer", null), null,
        "https://bigquery.proxy.example.com");
    assertThat(messagesOf(overrides, spec(good, goodDestination, null, null))).isEmpty();
    assertThat(validator.validate(spec(good, goodDestination, null, null), NOW)).extracting(Problem::reason)
        .containsExactly("EndpointOverrideNotAllowed", "EndpointOverrideNotAllowed");
  }

  @Test
  void theValidationIntervalIsAtLeastFiveMinutes() {
    assertThat(messagesOf(validator, spec(AMPLITUDE, DESTINATION, null, "5m"))).isEmpty();
    assertThat(messagesOf(validator, spec(AMPLITUDE, DESTINATION, null, "4m"))).containsExactly(
        "spec.validationInterval 4m is shorter than 5m; each validation makes a test upload, so use 5m or more"
            + " (default 12h)");
  }

  @Test
  void aStartFromTooFarAheadBecomesValidAnHourBeforeIt() {
    var ahead = spec("amplitude", null, "2026-11-28T16:00:00Z", null);
    assertThat(ExportSpecValidator.validAt(ahead, NOW)).contains(Instant.parse("2026-11-28T15:00:00Z"));
    assertThat(ExportSpecValidator.validAt(spec("amplitude", null, "2026-11-28T13:00:00Z", null), NOW)).isEmpty();
    assertThat(ExportSpecValidator.validAt(spec("amplitude", null, "2026-11-28T13:34:00Z", null),
        Instant.parse("2026-11-28T12:34:00Z"))).as("valid from exactly now").isEmpty();
    assertThat(ExportSpecValidator.validAt(spec("amplitude", null, null, null), NOW)).isEmpty();
    assertThat(ExportSpecValidator.validAt(spec("amplitude", null, "tomorrow", null), NOW)).isEmpty();
    assertThat(ExportSpecValidator.validAt(null, NOW)).isEmpty();
  }
}
