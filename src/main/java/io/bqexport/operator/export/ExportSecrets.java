package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.bigquery.ServiceAccountKeyInfo;
import io.bqexport.operator.status.Problem;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the Secrets an export references (the destination key, the Amplitude keys or the storage key; none with
 * Workload Identity), straight from the API server (the operator caches only Secret
 * metadata), and checks their shape. Values never leave this class except as the parsed, non-secret key facts.
 * Only Secrets that opt in with {@link #CREDENTIALS_LABEL} are used: someone who may create an export but not read
 * Secrets must not be able to make the operator use, say, another team's key.
 */
public final class ExportSecrets {
  public static final String CREDENTIALS_LABEL = "bqexport.io/credentials";
  public static final String CREDENTIALS_SELECTOR = CREDENTIALS_LABEL + "=true";
  static final String PARTIAL_METADATA = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
  private static final java.time.Duration METADATA_TIMEOUT = java.time.Duration.ofSeconds(30);

  /**
   * What was found: either a problem to report or the key facts, the values and the Secrets' versions.
   *
   * @param key the destination key's facts; null when the destination uses Workload Identity
   */
  public record Observation(Problem problem, ServiceAccountKeyInfo key, Values values, String versions) {
    public boolean ok() {
      return problem == null;
    }
  }

  /** The secret values, for the credential probe only; never printed. Null where the spec references none. */
  public static final class Values {
    private final String keyJson;
    private final String amplitudeApiKey;
    private final String amplitudeSecretKey;
    private final String storageKeyJson;

    /** The values of an export reading the Export API. */
    Values(String keyJson, String amplitudeApiKey, String amplitudeSecretKey) {
      this(keyJson, amplitudeApiKey, amplitudeSecretKey, null);
    }

    Values(String keyJson, String amplitudeApiKey, String amplitudeSecretKey, String storageKeyJson) {
      this.keyJson = keyJson;
      this.amplitudeApiKey = amplitudeApiKey;
      this.amplitudeSecretKey = amplitudeSecretKey;
      this.storageKeyJson = storageKeyJson;
    }

    /** The destination's service-account key JSON; null with Workload Identity. */
    public String keyJson() {
      return keyJson;
    }

    public String amplitudeApiKey() {
      return amplitudeApiKey;
    }

    public String amplitudeSecretKey() {
      return amplitudeSecretKey;
    }

    /** The storage source's service-account key JSON; null with Workload Identity or the Export API source. */
    public String storageKeyJson() {
      return storageKeyJson;
    }

    @Override
    public String toString() {
      return "Values[redacted]";
    }
  }

  private final KubernetesClient client;

  public ExportSecrets(KubernetesClient client) {
    this.client = client;
  }

  /** A Secret the spec references, or the problem of finding it. */
  private record Read(Secret secret, Observation problem) {}

  /**
   * Checks in the order a user fixes things: every referenced Secret exists and is labelled, then has its keys,
   * then holds a usable key file.
   *
   * @param labelled names of the Secrets the (label-selected) informer has seen: these are read in full; any other
   *     is first looked at as metadata only, so an unlabelled Secret's data is never requested
   */
  public Observation observe(BigQueryExport export, Set<String> labelled) {
    String namespace = export.getMetadata().getNamespace();
    var spec = export.getSpec();
    SecretKeyRef keyRef = spec.destination().keySecretRef();
    String keyField = spec.destination().keySecretField();
    AmplitudeSecretRef ampRef = spec.source().amplitude() == null ? null
        : spec.source().amplitude().credentialsSecretRef();
    SecretKeyRef storageRef = spec.source().storage() == null ? null
        : spec.source().storage().credentials().secretRef();
    String storageField = "spec.source.storage.credentials.secretRef";

    Read google = keyRef == null ? null : read(namespace, keyRef.name(), keyField, labelled, keyFileHint(keyRef));
    if (google != null && google.problem() != null) {
      return google.problem();
    }
    Read amplitude = ampRef == null ? null : read(namespace, ampRef.name(),
        "spec.source.amplitude.credentialsSecretRef", labelled, "--from-literal=" + ampRef.apiKeyKey()
            + "=API_KEY --from-literal=" + ampRef.secretKeyKey() + "=SECRET_KEY");
    if (amplitude != null && amplitude.problem() != null) {
      return amplitude.problem();
    }
    Read storage = storageRef == null ? null
        : read(namespace, storageRef.name(), storageField, labelled, keyFileHint(storageRef));
    if (storage != null && storage.problem() != null) {
      return storage.problem();
    }

    if (google != null && value(google.secret(), keyRef.key()) == null) {
      return failed(Reasons.SECRET_KEY_MISSING, missingKey(google.secret(), keyRef.key(), keyField + ".key"));
    }
    if (amplitude != null) {
      for (String ampKey : new String[] {ampRef.apiKeyKey(), ampRef.secretKeyKey()}) {
        byte[] v = value(amplitude.secret(), ampKey);
        if (v == null || new String(v, StandardCharsets.UTF_8).isBlank()) {
          return failed(Reasons.SECRET_KEY_MISSING,
              missingKey(amplitude.secret(), ampKey, "spec.source.amplitude.credentialsSecretRef"));
        }
      }
    }
    if (storage != null && value(storage.secret(), storageRef.key()) == null) {
      return failed(Reasons.SECRET_KEY_MISSING, missingKey(storage.secret(), storageRef.key(), storageField + ".key"));
    }

    try {
      ServiceAccountKeyInfo key = null;
      String keyJson = null;
      if (google != null) {
        byte[] keyFile = value(google.secret(), keyRef.key());
        key = ServiceAccountKeyInfo.parse(keyFile, "Secret " + keyRef.name() + ", key " + keyRef.key());
        keyJson = new String(keyFile, StandardCharsets.UTF_8);
      }
      String storageKeyJson = null;
      if (storage != null) {
        byte[] keyFile = value(storage.secret(), storageRef.key());
        ServiceAccountKeyInfo.parse(keyFile, "Secret " + storageRef.name() + ", key " + storageRef.key());
        storageKeyJson = new String(keyFile, StandardCharsets.UTF_8);
      }
      Values values = new Values(keyJson,
          amplitude == null ? null : text(amplitude.secret(), ampRef.apiKeyKey()),
          amplitude == null ? null : text(amplitude.secret(), ampRef.secretKeyKey()), storageKeyJson);
      List<Secret> used = java.util.stream.Stream.of(google, amplitude, storage)
          .filter(java.util.Objects::nonNull).map(Read::secret).toList();
      return new Observation(null, key, values, versions(used));
    } catch (ServiceAccountKeyInfo.InvalidKeyException e) {
      return failed(e.reason(), e.getMessage());
    }
  }

  private static String keyFileHint(SecretKeyRef ref) {
    return "--from-file=" + ref.key() + "=KEY.json";
  }

  private static String text(Secret secret, String key) {
    return new String(value(secret, key), StandardCharsets.UTF_8).trim();
  }

  /** The referenced Secret, labelled and present, or the problem with the fix. */
  private Read read(String namespace, String name, String field, Set<String> labelled, String createHint) {
    Secret secret = readIfLabelled(namespace, name, labelled);
    if (secret == UNLABELLED) {
      return new Read(null, notLabelled(name, field, namespace));
    }
    if (secret == null) {
      return new Read(null, failed(Reasons.SECRET_NOT_FOUND, "Secret " + name + " (" + field + ") does not exist in"
          + " namespace " + namespace + "; create it: kubectl create secret generic " + name + " " + createHint));
    }
    return new Read(secret, null);
  }

  /** Stands for a Secret that exists without the label; never read in full. */
  private static final Secret UNLABELLED = new Secret();

  /** The Secret in full when it carries the label, {@link #UNLABELLED}, or null when it does not exist. */
  private Secret readIfLabelled(String namespace, String name, Set<String> labelled) {
    if (!labelled.contains(name)) {
      Optional<ObjectMeta> meta = metadataOnly(namespace, name);
      if (meta.isEmpty()) {
        return null;
      }
      if (!isLabelled(meta.get())) {
        return UNLABELLED;
      }
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    return secret == null || isLabelled(secret.getMetadata()) ? secret : UNLABELLED;
  }

  private static boolean isLabelled(ObjectMeta meta) {
    return meta.getLabels() != null && "true".equals(meta.getLabels().get(CREDENTIALS_LABEL));
  }

  /**
   * GET as PartialObjectMetadata: the API server answers with the metadata only, so the data of a Secret that did
   * not opt in never reaches the operator (content negotiation of meta.k8s.io/v1 PartialObjectMetadata, served for
   * every resource: https://kubernetes.io/docs/reference/using-api/api-concepts/).
   */
  private Optional<ObjectMeta> metadataOnly(String namespace, String name) {
    HttpClient http = client.getHttpClient();
    HttpRequest request = http.newHttpRequestBuilder()
        .uri(URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "secrets", name))
        .header("Accept", PARTIAL_METADATA + ", application/json").build();
    HttpResponse<String> response;
    try {
      response = http.sendAsync(request, String.class).get(METADATA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while reading Secret " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("reading the metadata of Secret " + name + " failed", e);
    }
    if (response.code() == 404) {
      return Optional.empty();
    }
    if (!response.isSuccessful()) {
      throw new KubernetesClientException("reading the metadata of Secret " + name + " failed: HTTP "
          + response.code(), response.code(), null);
    }
    var serialization = client.getKubernetesSerialization();
    Map<?, ?> body = serialization.unmarshal(response.body(), Map.class);
    return Optional.of(serialization.convertValue(body.get("metadata"), ObjectMeta.class));
  }

  private static Observation notLabelled(String name, String field, String namespace) {
    return failed(Reasons.SECRET_NOT_LABELLED, "Secret " + name + " (" + field + ") is not labelled "
        + CREDENTIALS_SELECTOR + "; the operator uses only Secrets that opt in. If this Secret is meant for"
        + " bqexport, label it: kubectl label secret " + name + " -n " + namespace + " " + CREDENTIALS_SELECTOR);
  }

  private static Observation failed(String reason, String message) {
    return new Observation(Problem.of(reason, message), null, null, null);
  }

  private static String missingKey(Secret secret, String key, String field) {
    TreeSet<String> present = new TreeSet<>();
    if (secret.getData() != null) {
      present.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      present.addAll(secret.getStringData().keySet());
    }
    return "Secret " + secret.getMetadata().getName() + " has no key '" + key + "' (it has: "
        + (present.isEmpty() ? "none" : String.join(", ", present)) + "); add it, or point " + field
        + " at the right key";
  }

  private static byte[] value(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      return Base64.getDecoder().decode(data.get(key));
    }
    Map<String, String> stringData = secret.getStringData();
    return stringData != null && stringData.get(key) != null ? stringData.get(key).getBytes(StandardCharsets.UTF_8) : null;
  }

  /** name@resourceVersion of each Secret in use, in spec order: destination, Amplitude, storage. */
  private static String versions(List<Secret> secrets) {
    return secrets.stream().map(s -> s.getMetadata().getName() + "@" + s.getMetadata().getResourceVersion())
        .collect(java.util.stream.Collectors.joining(","));
  }
}
