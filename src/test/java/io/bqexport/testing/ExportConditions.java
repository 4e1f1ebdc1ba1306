package io.bqexport.testing;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Reads and waits for conditions of BigQueryExports, as `kubectl wait --for=condition=...` would. */
public final class ExportConditions {
  private final KubernetesClient client;
  private final String namespace;

  public ExportConditions(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  public Optional<Condition> get(String name, String type) {
    BigQueryExport export = client.resources(BigQueryExport.class).inNamespace(namespace).withName(name).get();
    return export == null ? Optional.empty() : condition(export, type);
  }

  /** Waits for the condition; a timeout names the export's conditions, last run and exportedThrough as last seen. */
  public Condition await(String name, String type, Predicate<Condition> until) {
    BigQueryExport seen = Waits.until("condition " + type + " of BigQueryExport " + namespace + "/" + name,
        () -> client.resources(BigQueryExport.class).inNamespace(namespace).withName(name).get(),
        export -> condition(export, type).map(until::test).orElse(false), ExportConditions::describe);
    return condition(seen, type).orElseThrow();
  }

  private static Optional<Condition> condition(BigQueryExport export, String type) {
    if (export.getStatus() == null || export.getStatus().conditions() == null) {
      return Optional.empty();
    }
    return export.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst();
  }

  /** What `kubectl describe` shows first: generation, conditions, the last run. */
  static String describe(BigQueryExport export) {
    var status = export.getStatus();
    if (status == null) {
      return "generation " + export.getMetadata().getGeneration() + ", no status yet";
    }
    String conditions = status.conditions() == null ? "none" : status.conditions().stream()
        .map(c -> c.type() + "=" + c.status() + " (" + c.reason() + ": " + c.message() + ")")
        .collect(Collectors.joining("; "));
    return "generation " + export.getMetadata().getGeneration() + ", observedGeneration "
        + status.observedGeneration() + ", conditions [" + conditions + "], lastRun " + status.lastRun()
        + ", exportedThrough " + status.exportedThrough();
  }

  public Condition awaitReason(String name, String type, String reason) {
    return await(name, type, c -> reason.equals(c.reason()));
  }
}
