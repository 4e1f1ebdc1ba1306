package io.bqexport.testing;


import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.operator.export.ExportRetries;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.AmplitudeExportStandIn;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import io.bqexport.transfer.TransferClients;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The whole system on loopback: the Kubernetes API stand-in, the BigQuery emulator with a registered service-account
 * key, the Amplitude stand-in serving generated hours, the real operator on a hand-moved clock, and the Job
 * controller stand-in that runs the real exporter.
 */
public final class ExportScenario implements AutoCloseable {
  public static final String NAMESPACE = "analytics";
  public static final String PROJECT = "acme-analytics";
  public static final String DATASET = "amplitude";
  public static final String API_KEY = "test-api-key";
  public static final String SECRET_KEY = "test-secret-key";

  public final MutableClock clock;
  public final KubernetesStandIn kubernetes;
  public final BigQueryEmulator bigquery;
  /** The generated hours, or null when the scenario serves a directory of export files. */
  public final GeneratedEvents events;
  public final AmplitudeExportStandIn amplitude;
  public final JobControllerStandIn jobs;
  public final IndexedJobControllerStandIn indexedJobs;
  public final ServiceAccountKeys.Key key;
  private OperatorUnderTest operator;
  /** How often the operator reads transfer runs here: seconds, not the production minutes, to keep tests short. */
  private static final Duration TRANSFER_POLL = Duration.ofSeconds(2);
  private TransferClients transfers; // null: no Transfer Service reachable

  public ExportScenario(Instant now) {
    this(now, new GeneratedEvents(new AmplitudeEventGenerator(7, 187_000)));
  }

  /** @param source what the Amplitude stand-in serves: generated events or a directory of export files */
  public ExportScenario(Instant now, io.bqexport.testing.amplitude.ExportDataSource source) {
    clock = new MutableClock(now);
    kubernetes = new KubernetesStandIn().namespace(NAMESPACE);
    bigquery = BigQueryEmulator.start(clock);
    bigquery.requireAuthentication(true); // every call must carry a token the emulator issued for a known key
    bigquery.createDataset(PROJECT, DATASET);
    events = source instanceof GeneratedEvents generated ? generated : null;
    amplitude = AmplitudeExportStandIn.start(source, API_KEY, SECRET_KEY);
    jobs = new JobControllerStandIn(kubernetes.client());
    indexedJobs = new IndexedJobControllerStandIn(kubernetes.client(), jobs);
    key = ServiceAccountKeys.create(bigquery, PROJECT, "bq-writer");
    kubernetes.client().resource(ExportFixtures.googleKeySecret(NAMESPACE, key.json())).create();
    kubernetes.client().resource(new SecretBuilder().withNewMetadata().withNamespace(NAMESPACE)
        .withName(ExportFixtures.AMPLITUDE_SECRET)
        .addToLabels(io.bqexport.operator.export.ExportSecrets.CREDENTIALS_LABEL, "true").endMetadata()
        .addToStringData("api-key", API_KEY).addToStringData("secret-key", SECRET_KEY).build()).create();
    startOperator();
  }

  public void startOperator() {
    operator = transfers == null ? new OperatorUnderTest(kubernetes, clock)
        : new OperatorUnderTest(kubernetes, clock, transfers, TRANSFER_POLL);
  }

  /** Restarts the operator with Transfer Service clients opened by {@code transfers} (e.g. the stand-in's). */
  public void useTransferService(TransferClients transfers) {
    this.transfers = transfers;
    operator.close();
    startOperator();
  }

  /** Replaces the running operator with one that takes the Lease in {@code leaseNamespace} first. */
  public void restartOperatorWithLeaderElection(String leaseNamespace) {
    operator.close();
    operator = OperatorUnderTest.withLeaderElection(kubernetes, clock, leaseNamespace);
  }

  /** Replaces the running operator with one whose credential probes time out after {@code probeTimeout}. */
  public void restartOperatorWithProbeTimeout(Duration probeTimeout) {
    operator.close();
    operator = OperatorUnderTest.withProbeTimeout(kubernetes, clock, probeTimeout);
  }

  /** Replaces the running operator with one whose probe timeout and retry waits are {@code retries}. */
  public void restartOperatorWithRetries(ExportRetries retries) {
    operator.close();
    operator = OperatorUnderTest.withRetries(kubernetes, clock, retries);
  }

  public OperatorUnderTest operator() {
    return operator;
  }

  public void stopOperator() {
    operator.close();
  }

  /** An export pointed at the stand-ins, exporting from {@code startFrom}. */
  public BigQueryExport export(String name, Instant startFrom) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(new AmplitudeSourceSpec(null, amplitude.baseUri().toString(),
            new AmplitudeSecretRef(ExportFixtures.AMPLITUDE_SECRET, null, null), null)),
        new DestinationSpec(PROJECT, DATASET, null, new SecretKeyRef(ExportFixtures.GOOGLE_SECRET, null), null,
            bigquery.endpoint()),
        null, null, null, startFrom.toString(), null, null, null, null, null, null));
    return export;
  }

  /** Replaces the value of a Secret key, as `kubectl create secret ... --dry-run=client -o yaml | apply` would. */
  public void setSecret(String name, String key, String value) {
    kubernetes.client().secrets().inNamespace(NAMESPACE).withName(name).edit(s -> {
      java.util.Map<String, String> data = new java.util.HashMap<>(s.getData() == null ? java.util.Map.of()
          : s.getData());
      data.put(key, java.util.Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      s.setData(data);
      if (s.getStringData() != null) {
        s.getStringData().remove(key);
      }
      return s;
    });
  }

  /** `kubectl annotate --overwrite`: a merge patch, which does not race with the operator's status writes. */
  public void annotate(String name, String key, String value) {
    patch(name, java.util.Map.of("metadata", java.util.Map.of("annotations", java.util.Map.of(key, value))));
  }

  /** `kubectl patch --type merge` of the whole spec. */
  public void patchSpec(String name, io.bqexport.api.v1alpha1.BigQueryExportSpec spec) {
    patch(name, java.util.Map.of("spec", spec));
  }

  private void patch(String name, Object patch) {
    kubernetes.client().resources(BigQueryExport.class).inNamespace(NAMESPACE).withName(name)
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            kubernetes.client().getKubernetesSerialization().asJson(patch));
  }

  public BigQueryExport create(BigQueryExport export) {
    return kubernetes.client().resource(export).create();
  }

  public BigQueryExport get(String name) {
    return kubernetes.client().resources(BigQueryExport.class).inNamespace(NAMESPACE).withName(name).get();
  }

  public Optional<Condition> condition(String name, String type) {
    return conditions().get(name, type);
  }

  public Condition await(String name, String type, Predicate<Condition> until) {
    return conditions().await(name, type, until);
  }

  public Condition awaitReason(String name, String type, String reason) {
    return conditions().awaitReason(name, type, reason);
  }

  private ExportConditions conditions() {
    return new ExportConditions(kubernetes.client(), NAMESPACE);
  }

  /** The CronJob fires now (simulated), the real exporter runs. */
  public JobControllerStandIn.PodRun fire(String exportName) {
    return jobs.fire(NAMESPACE, exportName, clock.instant());
  }

  public long rows(String table) {
    return bigquery.rowCount(PROJECT, DATASET, table);
  }

  @Override
  public void close() {
    operator.close();
    amplitude.close();
    bigquery.close();
    kubernetes.close();
  }
}
