package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The config's small defaults, each read directly: until now only runs against the emulator told their values apart,
 * so the pure classes could not be mutated against unit tests alone (bench/mutation.sh's exporter "pure" part).
 */
class ExporterConfigDefaultsTest {

  private static ExporterConfig resuming(Boolean resumeFromLedger, ExporterConfig.ExportRef export) {
    return new ExporterConfig(export, null, null, null, "2026-11-01T00:00:00Z", null, null, null, resumeFromLedger);
  }

  @Test
  void theLedgerIsResumedOnlyWhenAskedTo() {
    assertThat(resuming(null, null).resumeFromLedgerOrDefault()).isFalse();
    assertThat(resuming(false, null).resumeFromLedgerOrDefault()).isFalse();
    assertThat(resuming(true, null).resumeFromLedgerOrDefault()).isTrue();
  }

  @Test
  void theSourceIdNamesTheExportElseIsPlainAmplitude() {
    assertThat(resuming(null, null).sourceId()).isEqualTo("amplitude");
    assertThat(resuming(null, new ExporterConfig.ExportRef("team-a", "product-events")).sourceId())
        .isEqualTo("amplitude:team-a/product-events");
  }

  @Test
  void theEventsTableIsWrittenUnlessDisabled() {
    assertThat(new ExporterConfig.Events(null, null).enabledOrDefault()).isTrue();
    assertThat(new ExporterConfig.Events(true, null).enabledOrDefault()).isTrue();
    assertThat(new ExporterConfig.Events(false, null).enabledOrDefault()).isFalse();
  }

  @Test
  void maxBadRecordsIsReadElseZero() {
    assertThat(new ExporterConfig.Source("US", null, "/a", "/b", 7, null, null).maxBadRecordsOrDefault()).isEqualTo(7);
    assertThat(new ExporterConfig.Source("US", null, "/a", "/b", null, null, null).maxBadRecordsOrDefault()).isZero();
  }

  @Test
  void theDatasetIsCreatedOnlyWhenAskedTo() {
    assertThat(destination(null).createDatasetOrDefault()).isFalse();
    assertThat(destination(false).createDatasetOrDefault()).isFalse();
    assertThat(destination(true).createDatasetOrDefault()).isTrue();
  }

  private static ExporterConfig.Destination destination(Boolean createDataset) {
    return new ExporterConfig.Destination("p", "d", "US", "/c", null, createDataset);
  }
}
