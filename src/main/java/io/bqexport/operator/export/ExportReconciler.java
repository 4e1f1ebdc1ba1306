package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportStatus;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.operator.status.Problem;
import io.bqexport.operator.status.StatusEvents;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reconciles a BigQueryExport as a short pipeline: validate the spec, observe the Secrets, then assemble the status
 * and record Events for its transitions.
 */
public final class ExportReconciler implements Reconciler<BigQueryExport> {
  static final String SECRET_INDEX = "bqexport.io/referenced-secrets";

  private final ExportSpecValidator validator;
  private final ExportSecrets secrets;
  private final ExportStatusAssembler statusAssembler;
  private final StatusEvents events;
  private final Clock clock;

  public ExportReconciler(ExportSecrets secrets, EventRecorder recorder, Clock clock) {
    this.validator = new ExportSpecValidator();
    this.secrets = secrets;
    this.statusAssembler = new ExportStatusAssembler();
    this.events = new StatusEvents(recorder);
    this.clock = clock;
  }

  @Override
  public UpdateControl<BigQueryExport> reconcile(BigQueryExport export, Context<BigQueryExport> context) {
    Instant now = clock.instant();
    List<Problem> specProblems = validator.validate(export.getSpec(), now);
    ExportSecrets.Observation observedSecrets = specProblems.isEmpty() ? secrets.observe(export) : null;

    BigQueryExportStatus previous = export.getStatus();
    BigQueryExportStatus next = statusAssembler.assemble(export,
        new ExportStatusAssembler.Observation(specProblems, observedSecrets), now);
    if (Objects.equals(previous, next)) {
      return UpdateControl.noUpdate();
    }
    events.recordTransitions(export, previous == null ? null : previous.conditions(), next.conditions());
    export.setStatus(next);
    return UpdateControl.patchStatus(export);
  }

  /** Secrets are watched so a fixed or rotated Secret is picked up within seconds; only their metadata is cached. */
  @Override
  public List<EventSource<?, BigQueryExport>> prepareEventSources(EventSourceContext<BigQueryExport> context) {
    context.getPrimaryCache().addIndexer(SECRET_INDEX, ExportReconciler::referencedSecrets);
    var secretsConfig = InformerEventSourceConfiguration.from(Secret.class, BigQueryExport.class)
        .withName("referenced-secrets")
        .withNamespacesInheritedFromController()
        .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Secret.class,
            context.getClient().getKubernetesSerialization(), "metadata"))
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
            .byIndex(SECRET_INDEX, key(secret.getMetadata().getNamespace(), secret.getMetadata().getName()))
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(secretsConfig, context));
  }

  static List<String> referencedSecrets(BigQueryExport export) {
    String namespace = export.getMetadata().getNamespace();
    var spec = export.getSpec();
    if (spec == null) {
      return List.of();
    }
    Stream<String> amplitude = spec.source() == null || spec.source().amplitude() == null
        || spec.source().amplitude().credentialsSecretRef() == null ? Stream.empty()
        : Stream.of(spec.source().amplitude().credentialsSecretRef().name());
    Stream<String> google = spec.destination() == null || spec.destination().credentialsSecretRef() == null
        ? Stream.empty() : Stream.of(spec.destination().credentialsSecretRef().name());
    Set<String> names = Stream.concat(amplitude, google).collect(Collectors.toSet());
    return names.stream().map(name -> key(namespace, name)).toList();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
