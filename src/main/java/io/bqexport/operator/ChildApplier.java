package io.bqexport.operator;

import io.bqexport.Hashes;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates a child or puts it back to what the operator wants. The desired object's hash is kept in an annotation, so
 * a change of the owner is noticed without comparing defaults; fields the operator sets are also compared with the
 * live object ({@link OwnedFields}), so a hand edit (`kubectl edit` of the schedule) is put back, with an Event.
 * An object of the same name that the owner does not control is never taken over. Server-side apply is
 * deliberately not used (DESIGN section 7).
 */
public final class ChildApplier {
  public static final String HASH_ANNOTATION = "bqexport.io/desired-hash";
  private static final int MAX_LISTED_FIELDS = 5;

  /** A child could not be written; {@link #reason()} is NameConflict or ApplyFailed, the message says why. */
  public static final class ApplyException extends RuntimeException {
    private final String reason;

    ApplyException(String reason, String message, Throwable cause) {
      super(message, cause);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private final KubernetesClient client;
  private final KubernetesSerialization json;
  private final EventRecorder recorder;

  public ChildApplier(KubernetesClient client, EventRecorder recorder) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
    this.recorder = recorder;
  }

  /**
   * Creates the child, or updates it when the owner's wish changed or owned fields were edited by hand.
   *
   * @param existing the child as the informer cache has it, if any
   * @throws ApplyException when the name is taken by an object the owner does not control, or the API refuses the
   *     write (an admission webhook, a quota, an invalid value); a stale resourceVersion is thrown as is, to retry
   */
  public <T extends HasMetadata> T apply(HasMetadata owner, T desired, Optional<T> existing) {
    String hash = prepare(owner, desired);
    try {
      Live<T> live = existing.map(e -> new Live<>(e, false)).orElseGet(() -> createOrGet(desired));
      if (live.created()) {
        return live.object();
      }
      T current = live.object();
      requireControlledBy(owner, current);
      Map<String, String> annotations = current.getMetadata().getAnnotations();
      boolean sameWish = annotations != null && hash.equals(annotations.get(HASH_ANNOTATION));
      List<String> edited = sameWish ? OwnedFields.differences(json.convertValue(desired, Map.class),
          json.convertValue(current, Map.class)) : List.of();
      if (sameWish && edited.isEmpty()) {
        return current;
      }
      desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
      T updated = client.resource(desired).update();
      if (!edited.isEmpty()) {
        recorder.warning(owner, Reasons.MANUAL_CHANGE_REVERTED, desired.getKind() + " "
            + desired.getMetadata().getName() + " was changed outside its " + owner.getKind() + " ("
            + String.join(", ", edited.subList(0, Math.min(MAX_LISTED_FIELDS, edited.size())))
            + (edited.size() > MAX_LISTED_FIELDS ? ", ..." : "") + "); it was put back. Change the "
            + owner.getKind() + " " + owner.getMetadata().getName() + " instead.");
      }
      return updated;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 && e.getStatus() != null && "Conflict".equals(e.getStatus().getReason())) {
        throw e; // a stale cache: the retry reads the current version
      }
      throw new ApplyException(Reasons.APPLY_FAILED, "Writing " + desired.getKind() + " "
          + desired.getMetadata().getName() + " failed: " + apiMessage(e)
          + ". The operator retries; if an admission policy refused it, allow the object or change the spec.", e);
    }
  }

  /**
   * Creates the child once and never updates it (a Job's pod template is immutable); an existing one is returned
   * when the owner controls it.
   */
  public <T extends HasMetadata> T createOnce(HasMetadata owner, T desired) {
    prepare(owner, desired);
    try {
      Live<T> live = createOrGet(desired);
      if (!live.created()) {
        requireControlledBy(owner, live.object());
      }
      return live.object();
    } catch (KubernetesClientException e) {
      throw new ApplyException(Reasons.APPLY_FAILED, "Creating " + desired.getKind() + " "
          + desired.getMetadata().getName() + " failed: " + apiMessage(e), e);
    }
  }

  /**
   * Suspends a CronJob the owner controls, leaving everything else as it is (the owner's spec is invalid, so there
   * is no desired CronJob to apply). Its hash annotation is cleared, so the next apply rewrites it as a change of
   * the owner, not as a hand edit.
   */
  public CronJob suspend(HasMetadata owner, CronJob cronJob) {
    if (Boolean.TRUE.equals(cronJob.getSpec().getSuspend())) {
      return cronJob;
    }
    requireControlledBy(owner, cronJob);
    try {
      return client.batch().v1().cronjobs().inNamespace(cronJob.getMetadata().getNamespace())
          .withName(cronJob.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
              json.asJson(Map.of("metadata", Map.of("annotations", Map.of(HASH_ANNOTATION, "suspended")),
                  "spec", Map.of("suspend", true))));
    } catch (KubernetesClientException e) {
      throw new ApplyException(Reasons.APPLY_FAILED, "Suspending CronJob " + cronJob.getMetadata().getName()
          + " failed: " + apiMessage(e) + ". The operator retries.", e);
    }
  }

  private String prepare(HasMetadata owner, HasMetadata desired) {
    desired.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion()).withKind(owner.getKind()).withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build()));
    String hash = Hashes.sha256Hex(json.asJson(sortedKeys(json.convertValue(desired, Map.class))), 24);
    Map<String, String> annotations = new HashMap<>();
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    annotations.put(HASH_ANNOTATION, hash);
    desired.getMetadata().setAnnotations(annotations);
    return hash;
  }

  /**
   * The same object with every map's keys sorted, so the hash does not depend on iteration order: labels built with
   * Map.of iterate in an order salted per JVM, and a hash over them changed with every operator restart, which
   * then rewrote every ConfigMap and many CronJobs (bench/RESULTS.md).
   */
  static Object sortedKeys(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new java.util.TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), sortedKeys(v)));
      return sorted;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(ChildApplier::sortedKeys).toList();
    }
    return value;
  }

  private record Live<T>(T object, boolean created) {}

  private <T extends HasMetadata> Live<T> createOrGet(T desired) {
    try {
      return new Live<>(client.resource(desired).create(), true);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Created by an earlier reconcile that the informer has not shown yet, or someone else's object.
      T live = client.resource(desired).get();
      if (live == null) {
        throw e;
      }
      return new Live<>(live, false);
    }
  }

  /**
   * The child named {@code name} that {@code owner} controls, among the objects an informer maps to the owner by
   * label. Labels prove nothing: whoever may create such objects in the namespace can copy them onto their own, and
   * JOSDK's {@code getSecondaryResource(Class)} throws when two objects of a kind map to one owner, which would fail
   * every reconcile of it. An object of that name the owner does not control is left out: writing the child then
   * meets it and reports a NameConflict.
   */
  public static <T extends HasMetadata> Optional<T> controlledChild(HasMetadata owner, String name,
      Collection<T> mapped) {
    return mapped.stream()
        .filter(c -> name.equals(c.getMetadata().getName()) && ControllerReference.controls(owner, c)).findFirst();
  }

  /** @throws ApplyException ({@code NameConflict}) unless {@code owner} controls {@code child} */
  public static void requireControlledBy(HasMetadata owner, HasMetadata child) {
    if (!ControllerReference.controls(owner, child)) {
      throw new ApplyException(Reasons.NAME_CONFLICT, child.getKind() + " " + child.getMetadata().getName()
          + " already exists and is not controlled by " + owner.getKind() + " " + owner.getMetadata().getName()
          + "; the operator does not take over objects it did not create. Rename or delete that " + child.getKind()
          + ", or give the " + owner.getKind() + " another name.", null);
    }
  }

  private static String apiMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return "HTTP " + e.getCode() + " " + e.getStatus().getMessage();
    }
    return "HTTP " + e.getCode() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }
}
