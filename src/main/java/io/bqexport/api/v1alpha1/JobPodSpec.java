package io.bqexport.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Scheduling and resources of the exporter pods that this resource starts. */
public record JobPodSpec(
    @JsonPropertyDescription("CPU and memory of the exporter container. Default: requests 100m/256Mi, limit 512Mi.")
    ResourceRequirements resources,
    @JsonPropertyDescription("Node selector of the exporter pods.")
    Map<String, String> nodeSelector,
    @JsonPropertyDescription("Tolerations of the exporter pods.")
    List<Toleration> tolerations,
    @JsonPropertyDescription("Affinity of the exporter pods.")
    Affinity affinity,
    @JsonPropertyDescription("Pull secrets for the exporter image.")
    List<LocalObjectReference> imagePullSecrets,
    @Size(max = 253)
    @JsonPropertyDescription("Service account of the exporter pods. Its token is never mounted: the exporter needs no"
        + " Kubernetes API access. Required with workloadIdentity: the Kubernetes service account annotated"
        + " iam.gke.io/gcp-service-account with the Google service account to act as.")
    String serviceAccountName) {

  public static JobPodSpec empty() {
    return new JobPodSpec(null, null, null, null, null, null);
  }
}
