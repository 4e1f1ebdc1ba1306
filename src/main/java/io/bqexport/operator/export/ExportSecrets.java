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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the Secrets an export references (the destination key, the Amplitude keys or the storage key; none with
 * Workload Identity), straight from the API server (the operator caches only Secret metadata), and checks their
 * shape. What the checks need is kept per Secret version ({@link SecretFacts}: key names, parsed key facts,
 * fingerprints, never a value), so a Secret is read again only when it changed; the values are read again when a
 * probe runs. Values never leave this class except as the parsed, non-secret key facts and to the probe.
 * Only Secrets that opt in with {@link #CREDENTIALS_LABEL} are used: someone who may create an export but not read
 * Secrets must not be able to make the operator use, say, another team's key.
 */
public final class ExportSecrets {
  public static final String CREDENTIALS_LABEL = "bqexport.io/credentials";
  public static final String CREDENTIALS_SELECTOR = CREDENTIALS_LABEL + "=true";
  static final String PARTIAL_METADATA = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
  private static final java.time.Duration METADATA_TIMEOUT = java.time.Duration.ofSeconds(30);

  /**
   * What was found: either a problem to report or the key facts, the Secrets' versions and a fingerprint of the
   * values; the values themselves are read only when a probe needs them.
   *
   * @param key the destination key's facts; null when the destination uses Workload Identity
   * @param valuesReader reads the values from the API server (never cached: the operator keeps no Secret data)
   * @param fingerprint identifies the values without holding them (see {@link SecretFacts})
   */
  public record Observation(Problem problem, ServiceAccountKeyInfo key, Supplier<Values> valuesReader,
      String versions, String fingerprint) {
    /** An observation of values already at hand. */
    public Observation(Problem problem, ServiceAccountKeyInfo key, Values values, String versions) {
      this(problem, key, () -> values, versions, values == null ? null : values.fingerprint());
    }

    public boolean ok() {
      return problem == null;
    }

    /** The values, read now; for the credential probe only. */
    public Values values() {
      return valuesReader.get();
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

    String fingerprint() {
      return String.join(",", fingerprint(keyJson), fingerprint(amplitudeApiKey), fingerprint(amplitudeSecretKey),
          fingerprint(storageKeyJson));
    }

    private static String fingerprint(String value) {
      return value == null ? "-" : SecretFacts.fingerprint(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Values[redacted]";
    }
  }

  /** Secrets whose facts are kept; beyond it the least recently used are read again when needed. */
  static final int CACHED_SECRETS = 16_384;

  private final KubernetesClient client;
  private final SecretFactsCache cache = new SecretFactsCache(CACHED_SECRETS);
  /** Striped, so the locks stay few however many Secrets there are. */
  private final Object[] readLocks = java.util.stream.Stream.generate(Object::new).limit(64).toArray();

  public ExportSecrets(KubernetesClient client) {
    this.client = client;
  }

  /** A Secret the spec references (by the facts of the version read), or the problem of finding it. */
  private record Read(String name, SecretFacts facts, Observation problem) {}

  /**
   * Checks in the order a user fixes things: every referenced Secret exists and is labelled, then has its keys,
   * then holds a usable key file. A Secret is read from the API server only when its version's facts are not known.
   *
   * @param labelled the (label-selected, metadata-only) informer's Secrets: their versions decide whether the
   *     facts are still current; any other Secret is first looked at as metadata only, so an unlabelled Secret's
   *     data is never requested
   */
  public Observation observe(BigQueryExport export, Collection<Secret> labelled) {
    Map<String, ObjectMeta> seen = new HashMap<>();
    labelled.forEach(s -> seen.putIfAbsent(s.getMetadata().getName(), s.getMetadata()));
    String namespace = export.getMetadata().getNamespace();
    var spec = export.getSpec();
    SecretKeyRef keyRef = spec.destination().keySecretRef();
    String keyField = spec.destination().keySecretField();
    AmplitudeSecretRef ampRef = spec.source().amplitude() == null ? null
        : spec.source().amplitude().credentialsSecretRef();
    SecretKeyRef storageRef = spec.source().storage() == null ? null
        : spec.source().storage().credentials().secretRef();
    String storageField = "spec.source.storage.credentials.secretRef";

    Read google = keyRef == null ? null : read(namespace, keyRef.name(), keyField, seen, keyFileHint(keyRef),
        keyFileKeys(keyRef.name(), keyRef, storageRef));
    if (google != null && google.problem() != null) {
      return google.problem();
    }
    Read amplitude = ampRef == null ? null : read(namespace, ampRef.name(),
        "spec.source.amplitude.credentialsSecretRef", seen, "--from-literal=" + ampRef.apiKeyKey()
            + "=API_KEY --from-literal=" + ampRef.secretKeyKey() + "=SECRET_KEY",
        keyFileKeys(ampRef.name(), keyRef, storageRef));
    if (amplitude != null && amplitude.problem() != null) {
      return amplitude.problem();
    }
    Read storage = storageRef == null ? null : read(namespace, storageRef.name(), storageField, seen,
        keyFileHint(storageRef), keyFileKeys(storageRef.name(), keyRef, storageRef));
    if (storage != null && storage.problem() != null) {
      return storage.problem();
    }

    if (google != null && !google.facts().has(keyRef.key())) {
      return failed(Reasons.SECRET_KEY_MISSING, missingKey(google, keyRef.key(), keyField + ".key"));
    }
    if (amplitude != null) {
      for (String ampKey : new String[] {ampRef.apiKeyKey(), ampRef.secretKeyKey()}) {
        if (!amplitude.facts().hasText(ampKey)) {
          return failed(Reasons.SECRET_KEY_MISSING,
              missingKey(amplitude, ampKey, "spec.source.amplitude.credentialsSecretRef"));
        }
      }
    }
    if (storage != null && !storage.facts().has(storageRef.key())) {
      return failed(Reasons.SECRET_KEY_MISSING, missingKey(storage, storageRef.key(), storageField + ".key"));
    }

    ServiceAccountKeyInfo key = null;
    if (google != null) {
      SecretFacts.KeyFile keyFile = google.facts().keyFile(keyRef.key());
      if (keyFile.problem() != null) {
        return new Observation(keyFile.problem(), null, null, null, null);
      }
      key = keyFile.info();
    }
    if (storage != null && storage.facts().keyFile(storageRef.key()).problem() != null) {
      return new Observation(storage.facts().keyFile(storageRef.key()).problem(), null, null, null, null);
    }
    List<Read> used = java.util.stream.Stream.of(google, amplitude, storage)
        .filter(java.util.Objects::nonNull).toList();
    String fingerprint = String.join(",",
        google == null ? "-" : google.facts().fingerprint(keyRef.key()),
        amplitude == null ? "-" : amplitude.facts().fingerprint(ampRef.apiKeyKey()),
        amplitude == null ? "-" : amplitude.facts().fingerprint(ampRef.secretKeyKey()),
        storage == null ? "-" : storage.facts().fingerprint(storageRef.key()));
    return new Observation(null, key, () -> readValues(namespace, keyRef, ampRef, storageRef), versions(used),
        fingerprint);
  }

  /** Drops what is kept about the Secrets of a deleted export (another export referencing one reads it again). */
  public void forget(BigQueryExport export) {
    for (String secret : ExportReconciler.referencedSecrets(export)) {
      int slash = secret.indexOf('/');
      cache.forget(secret.substring(0, slash), secret.substring(slash + 1));
    }
  }

  /** How many Secrets' facts are kept. */
  int cachedSecrets() {
    return cache.size();
  }

  /** The keys of Secret {@code name} used as key files: the destination's and the storage source's. */
  private static Set<String> keyFileKeys(String name, SecretKeyRef keyRef, SecretKeyRef storageRef) {
    Set<String> keys = new HashSet<>();
    if (keyRef != null && keyRef.name().equals(name)) {
      keys.add(keyRef.key());
    }
    if (storageRef != null && storageRef.name().equals(name)) {
      keys.add(storageRef.key());
    }
    return keys;
  }

  /**
   * The values, read now from the API server for a probe. A Secret that changed meanwhile in a way that removes a
   * value fails this probe; its new version starts another reconcile and a new probe.
   */
  private Values readValues(String namespace, SecretKeyRef keyRef, AmplitudeSecretRef ampRef,
      SecretKeyRef storageRef) {
    Map<String, Secret> read = new HashMap<>();
    java.util.function.Function<String, Secret> secret = name -> read.computeIfAbsent(name, n -> {
      Secret s = client.secrets().inNamespace(namespace).withName(n).get();
      if (s == null || !isLabelled(s.getMetadata())) {
        throw new IllegalStateException("Secret " + n + " was deleted or unlabelled while it was being checked");
      }
      return s;
    });
    String keyJson = keyRef == null ? null : text(secret.apply(keyRef.name()), keyRef.key(), false);
    String apiKey = ampRef == null ? null : text(secret.apply(ampRef.name()), ampRef.apiKeyKey(), true);
    String secretKey = ampRef == null ? null : text(secret.apply(ampRef.name()), ampRef.secretKeyKey(), true);
    String storageKeyJson = storageRef == null ? null : text(secret.apply(storageRef.name()), storageRef.key(),
        false);
    return new Values(keyJson, apiKey, secretKey, storageKeyJson);
  }

  private static String keyFileHint(SecretKeyRef ref) {
    return "--from-file=" + ref.key() + "=KEY.json";
  }

  private static String text(Secret secret, String key, boolean trim) {
    byte[] value = SecretFacts.value(secret, key);
    if (value == null) {
      throw new IllegalStateException("Secret " + secret.getMetadata().getName() + " lost its key '" + key
          + "' while it was being checked");
    }
    String text = new String(value, StandardCharsets.UTF_8);
    return trim ? text.trim() : text;
  }

  /**
   * The facts of the referenced Secret, labelled and present, or the problem with the fix. The facts of the version
   * the informer shows are reused; otherwise the Secret is read and its facts replace the older version's.
   */
  private Read read(String namespace, String name, String field, Map<String, ObjectMeta> labelled,
      String createHint, Set<String> keyFileKeys) {
    // Reads of one Secret take turns: the reconciles of many exports start together (an operator start, a rotated
    // Secret), and each would otherwise miss the cache and read the Secret itself (bench/RESULTS.md).
    synchronized (readLocks[Math.floorMod((namespace + "/" + name).hashCode(), readLocks.length)]) {
      return readInTurn(namespace, name, field, labelled, createHint, keyFileKeys);
    }
  }

  private Read readInTurn(String namespace, String name, String field, Map<String, ObjectMeta> labelled,
      String createHint, Set<String> keyFileKeys) {
    ObjectMeta meta = labelled.get(name);
    if (meta != null) {
      SecretFacts known = cache.get(namespace, name, meta.getUid(), meta.getResourceVersion());
      if (known != null && known.parsed(keyFileKeys)) {
        return new Read(name, known, null);
      }
    }
    Secret secret = readIfLabelled(namespace, name, labelled.keySet());
    if (secret == UNLABELLED) {
      cache.forget(namespace, name);
      return new Read(name, null, notLabelled(name, field, namespace));
    }
    if (secret == null) {
      cache.forget(namespace, name);
      return new Read(name, null, failed(Reasons.SECRET_NOT_FOUND, "Secret " + name + " (" + field + ") does not"
          + " exist in namespace " + namespace + "; create it: kubectl create secret generic " + name + " "
          + createHint));
    }
    // Other exports may use other keys of the same Secret as key files: keep theirs parsed too.
    SecretFacts before = cache.any(namespace, name);
    Set<String> parse = new HashSet<>(keyFileKeys);
    if (before != null) {
      parse.addAll(before.parsedKeyFiles());
    }
    SecretFacts facts = SecretFacts.of(secret, parse);
    cache.put(namespace, name, facts);
    return new Read(name, facts, null);
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
    return new Observation(Problem.of(reason, message), null, null, null, null);
  }

  private static String missingKey(Read secret, String key, String field) {
    Set<String> present = secret.facts().keys();
    return "Secret " + secret.name() + " has no key '" + key + "' (it has: "
        + (present.isEmpty() ? "none" : String.join(", ", present)) + "); add it, or point " + field
        + " at the right key";
  }

  /** name@resourceVersion of each Secret in use, in spec order: destination, Amplitude, storage. */
  private static String versions(List<Read> secrets) {
    return secrets.stream().map(s -> s.name() + "@" + s.facts().resourceVersion())
        .collect(java.util.stream.Collectors.joining(","));
  }
}
