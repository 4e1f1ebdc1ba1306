package io.bqexport.testing;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

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
    if (export == null || export.getStatus() == null || export.getStatus().conditions() == null) {
      return Optional.empty();
    }
    return export.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst();
  }

  public Condition await(String name, String type, Predicate<Condition> until) {
    Awaitility.await().until(() -> get(name, type).map(until::test).orElse(false));
    return get(name, type).orElseThrow();
  }

  public Condition awaitReason(String name, String type, String reason) {
    return await(name, type, c -> reason.equals(c.reason()));
  }
}
