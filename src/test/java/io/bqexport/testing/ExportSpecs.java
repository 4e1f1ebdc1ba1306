package io.bqexport.testing;

import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.IntegritySpec;

/** Copies of an export spec with one field changed, as `kubectl patch` would make them. */
public final class ExportSpecs {
  private ExportSpecs() {}

  public static BigQueryExportSpec withDataset(BigQueryExportSpec s, String dataset) {
    DestinationSpec d = s.destination();
    return withDestination(s, new DestinationSpec(d.projectId(), dataset, d.location(), d.credentialsSecretRef(),
        d.createDataset(), d.endpoint()));
  }

  public static BigQueryExportSpec withDestination(BigQueryExportSpec s, DestinationSpec destination) {
    return new BigQueryExportSpec(s.source(), destination, s.data(), s.schedule(), s.availabilityDelay(),
        s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod(), s.integrity());
  }

  public static BigQueryExportSpec withSchedule(BigQueryExportSpec s, String schedule) {
    return new BigQueryExportSpec(s.source(), s.destination(), s.data(), schedule, s.availabilityDelay(),
        s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod(), s.integrity());
  }

  public static BigQueryExportSpec withIntegrity(BigQueryExportSpec s, IntegritySpec integrity) {
    return new BigQueryExportSpec(s.source(), s.destination(), s.data(), s.schedule(), s.availabilityDelay(),
        s.startFrom(), s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod(), integrity);
  }

  public static BigQueryExportSpec withStartFrom(BigQueryExportSpec s, String startFrom) {
    return new BigQueryExportSpec(s.source(), s.destination(), s.data(), s.schedule(), s.availabilityDelay(),
        startFrom, s.suspend(), s.historyLimit(), s.maxHoursPerRun(), s.freshnessThreshold(),
        s.validationInterval(), s.pod(), s.integrity());
  }
}
