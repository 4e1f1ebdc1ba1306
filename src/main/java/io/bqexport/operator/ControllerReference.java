package io.bqexport.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Optional;

/**
 * Whether an owner controls an object, decided as Kubernetes decides it: the one place for every control check (an
 * export's CronJob, ConfigMap and runs, a run's Pods, a backfill's Job and its Pods). Labels select what the
 * informers watch but prove nothing, so control is what makes an object a child.
 */
public final class ControllerReference {
  private ControllerReference() {}

  /**
   * Whether {@code child}'s controller reference names {@code owner}: its uid, kind, name and API group. The garbage
   * collector looks an owner up by the reference's group, kind and name and takes one found there with another uid
   * for gone: a reference with an export's uid but the kind ConfigMap, or another API group, points to a different
   * object for Kubernetes, and must not make a Job one of the export's runs here either.
   *
   * <p>The version is not compared: the API server serves one object under every version of its group, so a
   * reference written under an older version (before an upgrade added one, or by an older operator) still names the
   * same owner. Rejecting versions the CRD no longer serves would need a discovery call per check and stop nobody:
   * who can write a reference with the owner's uid can write a served version as easily.
   */
  public static boolean controls(HasMetadata owner, HasMetadata child) {
    String uid = owner.getMetadata().getUid();
    Optional<String> group = group(owner.getApiVersion());
    return uid != null && owner.getKind() != null && group.isPresent() && of(child)
        .filter(r -> uid.equals(r.getUid()) && owner.getKind().equals(r.getKind())
            && owner.getMetadata().getName().equals(r.getName()) && group.equals(group(r.getApiVersion())))
        .isPresent();
  }

  /** The object's controller reference: the API server allows at most one. */
  static Optional<OwnerReference> of(HasMetadata object) {
    List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
    return owners == null ? Optional.empty()
        : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }

  /** "bqexport.io/v1alpha1" is the group bqexport.io, "v1" the core group (""); none without an apiVersion. */
  static Optional<String> group(String apiVersion) {
    if (apiVersion == null || apiVersion.isBlank()) {
      return Optional.empty();
    }
    int slash = apiVersion.indexOf('/');
    return Optional.of(slash < 0 ? "" : apiVersion.substring(0, slash));
  }
}
