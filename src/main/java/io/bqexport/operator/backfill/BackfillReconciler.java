package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillStatus;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.operator.status.EventRecorder;
import io.bqexport.operator.status.Problem;
import io.bqexport.operator.status.StatusEvents;
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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Reconciles a BigQueryBackfill: validate, resolve the export it inherits from, then assemble the status. */
public final class BackfillReconciler implements Reconciler<BigQueryBackfill> {
  static final String EXPORT_INDEX = "bqexport.io/export-ref";

  private final BackfillSpecValidator validator = new BackfillSpecValidator();
  private final BackfillStatusAssembler statusAssembler = new BackfillStatusAssembler();
  private final StatusEvents events;
  private final Clock clock;

  public BackfillReconciler(EventRecorder recorder, Clock clock) {
    this.events = new StatusEvents(recorder);
    this.clock = clock;
  }

  @Override
  public UpdateControl<BigQueryBackfill> reconcile(BigQueryBackfill backfill, Context<BigQueryBackfill> context) {
    Instant now = clock.instant();
    List<Problem> problems = validator.validate(backfill.getSpec());
    Optional<BigQueryExport> export = problems.isEmpty()
        ? context.getSecondaryResource(BigQueryExport.class) : Optional.empty();

    BigQueryBackfillStatus previous = backfill.getStatus();
    BigQueryBackfillStatus next = statusAssembler.assemble(backfill, problems, export, now);
    if (Objects.equals(previous, next)) {
      return UpdateControl.noUpdate();
    }
    events.recordTransitions(backfill, previous == null ? null : previous.conditions(), next.conditions());
    backfill.setStatus(next);
    return UpdateControl.patchStatus(backfill);
  }

  /** The referenced export is watched: its credentials turning valid lets a waiting backfill start. */
  @Override
  public List<EventSource<?, BigQueryBackfill>> prepareEventSources(EventSourceContext<BigQueryBackfill> context) {
    context.getPrimaryCache().addIndexer(EXPORT_INDEX, backfill -> backfill.getSpec() == null
        || backfill.getSpec().exportRef() == null ? List.of()
        : List.of(backfill.getMetadata().getNamespace() + "/" + backfill.getSpec().exportRef().name()));
    var exports = InformerEventSourceConfiguration.from(BigQueryExport.class, BigQueryBackfill.class)
        .withName("referenced-exports")
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(export -> context.getPrimaryCache()
            .byIndex(EXPORT_INDEX, export.getMetadata().getNamespace() + "/" + export.getMetadata().getName())
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((BigQueryBackfill backfill) -> backfill.getSpec() == null
            || backfill.getSpec().exportRef() == null ? Set.of()
            : Set.of(new ResourceID(backfill.getSpec().exportRef().name(), backfill.getMetadata().getNamespace())))
        .build();
    return List.of(new InformerEventSource<>(exports, context));
  }
}
