package io.bqexport.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.CelRules;
import io.bqexport.testing.Crds;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backfill's CEL rules, evaluated on good and bad objects as the API server would. */
class BackfillCelRulesTest {

  private final CelRules rules = new CelRules(Crds.named("bigquerybackfills.bqexport.io"));

  private static Map<String, Object> spec(String start, String end) {
    return Map.of("exportRef", Map.of("name", "product-events"), "start", start, "end", end);
  }

  @Test
  void acceptsARangeWhoseStartIsBeforeItsEnd() {
    assertThat(rules.violations("spec", spec("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), null)).isEmpty();
  }

  @Test
  void rejectsAnEmptyOrReversedRangeWithAMessageNamingTheFields() {
    assertThat(rules.violations("spec", spec("2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), null))
        .containsExactly("spec.start must be before spec.end");
    assertThat(rules.violations("spec", spec("2026-01-01T00:00:00Z", "2025-01-01T00:00:00Z"), null))
        .containsExactly("spec.start must be before spec.end");
  }

  @Test
  void comparesInstantsNotStrings() {
    // Lexical order agrees here, but the rule must parse timestamps: a year 10000 would break string order.
    assertThat(rules.violations("spec", spec("2025-12-31T23:00:00Z", "2026-01-01T00:00:00Z"), null)).isEmpty();
  }

  @Test
  void rangeIsImmutableOnUpdateWhileOtherFieldsMayChange() {
    Map<String, Object> old = spec("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z");
    assertThat(rules.violations("spec", spec("2025-01-02T00:00:00Z", "2025-02-01T00:00:00Z"), old))
        .containsExactly("spec.start and spec.end are immutable; create a new BigQueryBackfill for another range");
    assertThat(rules.violations("spec", spec("2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z"), old))
        .containsExactly("spec.start and spec.end are immutable; create a new BigQueryBackfill for another range");

    Map<String, Object> suspended = new java.util.HashMap<>(old);
    suspended.put("suspend", true);
    assertThat(rules.violations("spec", suspended, old)).isEmpty();
  }
}
