package io.bqexport.operator;

import io.bqexport.Hashes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Creates a child or updates it when what the operator wants changed. The desired object's hash is kept in an
 * annotation, so an unchanged child is never written (steady state), and fields that Kubernetes fills in later are
 * not mistaken for drift. Server-side apply is deliberately not used (DESIGN section 7).
 */
public final class ChildApplier {
  public static final String HASH_ANNOTATION = "bqexport.io/desired-hash";

  private final KubernetesClient client;
  private final KubernetesSerialization json;

  public ChildApplier(KubernetesClient client) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
  }

  /** @param existing the child as the informer cache has it, if any */
  public <T extends HasMetadata> T apply(HasMetadata owner, T desired, Optional<T> existing) {
    desired.getMetadata().setOwnerReferences(java.util.List.of(new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion()).withKind(owner.getKind()).withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build()));
    String hash = Hashes.sha256Hex(json.asJson(desired), 24);
    Map<String, String> annotations = new HashMap<>();
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    annotations.put(HASH_ANNOTATION, hash);
    desired.getMetadata().setAnnotations(annotations);
    if (existing.isPresent()) {
      return updateIfChanged(desired, existing.get(), hash);
    }
    try {
      return client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Created by an earlier reconcile that the informer cache has not shown yet: read it and compare.
      return updateIfChanged(desired, client.resource(desired).get(), hash);
    }
  }

  private <T extends HasMetadata> T updateIfChanged(T desired, T existing, String hash) {
    Map<String, String> current = existing.getMetadata().getAnnotations();
    if (current != null && hash.equals(current.get(HASH_ANNOTATION))) {
      return existing;
    }
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    return client.resource(desired).update();
  }
}
