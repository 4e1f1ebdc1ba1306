package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.EventFilterSpec;
import io.bqexport.api.v1alpha1.FilterRuleSpec;
import io.bqexport.api.v1alpha1.IntegritySpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.exporter.ExporterConfig;
import io.bqexport.exporter.ExporterConfigReader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The exporter's configuration as a ConfigMap. It holds no secrets: only the paths where the Secrets are mounted. */
public final class ExporterConfigMap {
  public static final String CONFIG_KEY = "config.json";

  private ExporterConfigMap() {}

  public static String name(BigQueryExport export) {
    return ChildNames.withSuffix(export.getMetadata().getName(), "-exporter");
  }

  public static ConfigMap desired(BigQueryExport export, Instant now) {
    return named(export, name(export), ExportLabels.of(export), now);
  }

  /** The export's configuration under another name and labels (a backfill pins its own copy). */
  public static ConfigMap named(BigQueryExport export, String name, Map<String, String> labels, Instant now) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(export.getMetadata().getNamespace())
        .withLabels(labels).endMetadata()
        .withData(Map.of(CONFIG_KEY, ExporterConfigReader.toJson(config(export, now))))
        .build();
  }

  public static ExporterConfig config(BigQueryExport export, Instant now) {
    BigQueryExportSpec spec = export.getSpec();
    return new ExporterConfig(
        new ExporterConfig.ExportRef(export.getMetadata().getNamespace(), export.getMetadata().getName()),
        amplitude(spec.source().amplitude()),
        storage(spec.source().storage()),
        destination(spec.destination()),
        data(spec.data()),
        startFrom(export, now).toString(),
        SpecDurations.parse("spec.availabilityDelay", spec.availabilityDelay()).toString(),
        spec.maxHoursPerRun(),
        null,
        spec.startFrom() == null ? Boolean.TRUE : null,
        integrity(spec.integrity()));
  }

  private static ExporterConfig.Source amplitude(AmplitudeSourceSpec amplitude) {
    if (amplitude == null) {
      return null;
    }
    return new ExporterConfig.Source(amplitude.region().name(), amplitude.endpoint(),
        ExportPodTemplate.AMPLITUDE_DIR + "/" + amplitude.credentialsSecretRef().apiKeyKey(),
        ExportPodTemplate.AMPLITUDE_DIR + "/" + amplitude.credentialsSecretRef().secretKeyKey(),
        amplitude.maxBadRecords(), null, null);
  }

  /** Merged IDs under -orgId, or under the app ID when the layout is legacy (orgId null). */
  private static ExporterConfig.Storage storage(StorageSourceSpec storage) {
    if (storage == null) {
      return null;
    }
    SecretKeyRef key = storage.credentials().secretRef();
    return new ExporterConfig.Storage(storage.gcs().bucket(), storage.gcs().prefix(), storage.appId(),
        storage.orgId(), storage.legacyMergeIdLayout(), storage.endpoint(),
        key == null ? null : ExportPodTemplate.STORAGE_DIR + "/" + key.key(),
        storage.credentials().usesWorkloadIdentity() ? Boolean.TRUE : null, storage.maxBadRecords());
  }

  private static ExporterConfig.Destination destination(DestinationSpec destination) {
    SecretKeyRef key = destination.keySecretRef();
    return new ExporterConfig.Destination(destination.projectId(), destination.dataset(), destination.location(),
        key == null ? null : ExportPodTemplate.GOOGLE_DIR + "/" + key.key(), destination.endpoint(),
        destination.createDataset(), destination.usesWorkloadIdentity() ? Boolean.TRUE : null);
  }

  private static ExporterConfig.Data data(DataSpec data) {
    var events = data.events();
    var mergeIds = data.mergeIds();
    return new ExporterConfig.Data(
        new ExporterConfig.Events(events.enabled(), events.table(), filter(events.filter())),
        mergeIds.enabled() ? new ExporterConfig.MergeIds(true, mergeIds.table()) : null);
  }

  private static ExporterConfig.EventFilter filter(EventFilterSpec filter) {
    if (filter == null) {
      return null;
    }
    return new ExporterConfig.EventFilter(rules(filter.include()), rules(filter.exclude()));
  }

  private static List<ExporterConfig.FilterRule> rules(List<FilterRuleSpec> rules) {
    return rules == null ? List.of()
        : rules.stream().map(r -> new ExporterConfig.FilterRule(r.eventType(), r.prefix())).toList();
  }

  /** The exporter reads ISO-8601 durations (PT24H); the spec's 24h and 7d are validated before this is built. */
  static ExporterConfig.Integrity integrity(IntegritySpec integrity) {
    return new ExporterConfig.Integrity(integrity.enabled(),
        SpecDurations.parseWithDays("spec.integrity.recheckAfter", integrity.recheckAfter()).toString(),
        SpecDurations.parseWithDays("spec.integrity.lookback", integrity.lookback()).toString(),
        integrity.maxHoursPerRun());
  }

  /** spec.startFrom, or the hour the resource was created ("all future events"). */
  public static Instant startFrom(BigQueryExport export, Instant now) {
    if (export.getSpec().startFrom() != null) {
      return Instant.parse(export.getSpec().startFrom());
    }
    String created = export.getMetadata().getCreationTimestamp();
    return (created == null ? now : Instant.parse(created)).truncatedTo(ChronoUnit.HOURS);
  }
}
