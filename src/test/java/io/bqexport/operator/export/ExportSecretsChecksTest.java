package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.ServiceAccountKeys;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each Secret problem a user can make, in the order they fix them, with the message that names the Secret, the
 * field and the fix; and the values a probe gets. Against the Kubernetes stand-in, no operator.
 */
class ExportSecretsChecksTest {
  private static final String NS = "analytics";

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final ServiceAccountKeys.Key key =
      ServiceAccountKeys.unregistered("http://127.0.0.1:1/token", "acme-analytics", "bq-writer");
  private final ServiceAccountKeys.Key readerKey =
      ServiceAccountKeys.unregistered("http://127.0.0.1:1/token", "acme-analytics", "gcs-reader");
  private final ExportSecrets secrets = new ExportSecrets(kubernetes.newOperatorClient());

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  private static BigQueryExport amplitudeExport() {
    BigQueryExport export = ExportFixtures.export(NS, "product-events", null);
    export.getMetadata().setUid("uid-1");
    return export;
  }

  private static BigQueryExport storageExport(String secret, String key) {
    BigQueryExport export = amplitudeExport();
    var spec = export.getSpec();
    export.setSpec(new BigQueryExportSpec(new SourceSpec(null, new StorageSourceSpec(new GcsLocation("b", null),
        "187520", null, null, null, new GoogleCredentialsSpec(new SecretKeyRef(secret, key), null), null)),
        spec.destination(), null, null, null, null, null, null, null, null, null, null));
    return export;
  }

  private static Secret secret(String name, Map<String, String> stringData, String label) {
    var builder = new SecretBuilder().withNewMetadata().withNamespace(NS).withName(name)
        .addToLabels(label == null ? Map.of() : Map.of(ExportSecrets.CREDENTIALS_LABEL, label)).endMetadata();
    return builder.addToStringData(stringData).build();
  }

  private void create(Secret... all) {
    for (Secret s : all) {
      client.resource(s).create();
    }
  }

  /** The labelled Secrets as the metadata-only informer holds them. */
  private List<Secret> informer() {
    return client.secrets().inNamespace(NS).withLabel(ExportSecrets.CREDENTIALS_LABEL, "true").list().getItems()
        .stream().map(s -> {
          Secret meta = new Secret();
          meta.setMetadata(s.getMetadata());
          return meta;
        }).toList();
  }

  private Secret google() {
    return ExportFixtures.googleKeySecret(NS, key.json());
  }

  private Secret amplitude() {
    return ExportFixtures.amplitudeSecret(NS);
  }

  @Test
  void aMissingSecretNamesTheFieldAndHowToCreateIt() {
    assertThat(secrets.observe(amplitudeExport(), informer()).problem()).satisfies(p -> {
      assertThat(p.reason()).isEqualTo(Reasons.SECRET_NOT_FOUND);
      assertThat(p.message()).isEqualTo("Secret bq-writer (spec.destination.credentialsSecretRef) does not exist in"
          + " namespace analytics; create it: kubectl create secret generic bq-writer"
          + " --from-file=service-account.json=KEY.json");
    });
    create(google());
    assertThat(secrets.observe(amplitudeExport(), informer()).problem().message()).isEqualTo("Secret"
        + " amplitude-prod (spec.source.amplitude.credentialsSecretRef) does not exist in namespace analytics;"
        + " create it: kubectl create secret generic amplitude-prod --from-literal=api-key=API_KEY"
        + " --from-literal=secret-key=SECRET_KEY");
    create(amplitude());
    assertThat(secrets.observe(storageExport("gcs-reader", null), informer()).problem().message())
        .startsWith("Secret gcs-reader (spec.source.storage.credentials.secretRef) does not exist");
  }

  @Test
  void anUnlabelledSecretIsRefusedWithTheLabelCommandAndItsDataIsNeverRead() {
    create(secret(ExportFixtures.GOOGLE_SECRET, Map.of("service-account.json", key.json()), null), amplitude());
    var problem = secrets.observe(amplitudeExport(), informer()).problem();
    assertThat(problem.reason()).isEqualTo(Reasons.SECRET_NOT_LABELLED);
    assertThat(problem.message()).isEqualTo("Secret bq-writer (spec.destination.credentialsSecretRef) is not"
        + " labelled bqexport.io/credentials=true; the operator uses only Secrets that opt in. If this Secret is"
        + " meant for bqexport, label it: kubectl label secret bq-writer -n analytics bqexport.io/credentials=true");
    assertThat(kubernetes.requests()).filteredOn(r -> r.byOperator() && r.path().endsWith("/secrets/bq-writer"))
        .singleElement().satisfies(r -> assertThat(r.accept()).startsWith(ExportSecrets.PARTIAL_METADATA));

    client.resource(secret(ExportFixtures.GOOGLE_SECRET, Map.of("service-account.json", key.json()), "false"))
        .update();
    assertThat(secrets.observe(amplitudeExport(), informer()).problem().reason())
        .as("the label must say true").isEqualTo(Reasons.SECRET_NOT_LABELLED);
  }

  @Test
  void aLabelledSecretTheInformerHasNotSeenYetIsUsed() {
    create(google(), amplitude());
    var seen = secrets.observe(amplitudeExport(), List.of());
    assertThat(seen.ok()).isTrue();
    assertThat(seen.key().clientEmail()).isEqualTo(key.clientEmail());
  }

  @Test
  void aSecretUnlabelledAfterTheInformerSawItIsRefusedAndForgotten() {
    create(google(), amplitude());
    List<Secret> stale = informer();
    assertThat(secrets.observe(amplitudeExport(), stale).ok()).isTrue();
    assertThat(secrets.cachedSecrets()).isEqualTo(2);
    Secret unlabelled = client.secrets().inNamespace(NS).withName(ExportFixtures.GOOGLE_SECRET).get();
    unlabelled.getMetadata().setLabels(Map.of());
    client.resource(unlabelled).update();

    var problem = secrets.observe(amplitudeExport(), stale.stream().map(s -> {
      Secret copy = new Secret();
      copy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(s.getMetadata())
          .withResourceVersion("changed").build());
      return copy;
    }).toList()).problem();
    assertThat(problem.reason()).isEqualTo(Reasons.SECRET_NOT_LABELLED);
    assertThat(secrets.cachedSecrets()).as("its facts dropped").isEqualTo(1);
  }

  @Test
  void aMissingKeyNamesTheKeysThereAndTheFieldToPointElsewhere() {
    create(secret(ExportFixtures.GOOGLE_SECRET, Map.of("key.json", key.json(), "notes", "x"), "true"), amplitude());
    var problem = secrets.observe(amplitudeExport(), informer()).problem();
    assertThat(problem.reason()).isEqualTo(Reasons.SECRET_KEY_MISSING);
    assertThat(problem.message()).isEqualTo("Secret bq-writer has no key 'service-account.json' (it has: key.json,"
        + " notes); add it, or point spec.destination.credentialsSecretRef.key at the right key");

    client.resource(secret(ExportFixtures.GOOGLE_SECRET, Map.of(), "true")).update();
    assertThat(secrets.observe(amplitudeExport(), informer()).problem().message())
        .contains("(it has: none)");
  }

  @Test
  void anAmplitudeKeyMissingOrBlankIsNamed() {
    create(google(), secret(ExportFixtures.AMPLITUDE_SECRET, Map.of("api-key", "k", "secret-key", "  "), "true"));
    var problem = secrets.observe(amplitudeExport(), informer()).problem();
    assertThat(problem.reason()).isEqualTo(Reasons.SECRET_KEY_MISSING);
    assertThat(problem.message()).startsWith("Secret amplitude-prod has no key 'secret-key' (it has: api-key,"
        + " secret-key); add it, or point spec.source.amplitude.credentialsSecretRef");
  }

  @Test
  void theStorageSecretIsCheckedLikeTheDestinations() {
    create(google(), secret("gcs-reader", Map.of("other", "x"), "true"));
    var missingKey = secrets.observe(storageExport("gcs-reader", null), informer()).problem();
    assertThat(missingKey.reason()).isEqualTo(Reasons.SECRET_KEY_MISSING);
    assertThat(missingKey.message()).endsWith("point spec.source.storage.credentials.secretRef.key at the right key");

    client.resource(secret("gcs-reader", Map.of("service-account.json", "{not json"), "true")).update();
    assertThat(secrets.observe(storageExport("gcs-reader", null), informer()).problem().reason())
        .isEqualTo(Reasons.INVALID_KEY_JSON);

    client.resource(secret("gcs-reader", Map.of("service-account.json", readerKey.json()), "true")).update();
    var ok = secrets.observe(storageExport("gcs-reader", null), informer());
    assertThat(ok.ok()).isTrue();
    assertThat(ok.values().storageKeyJson()).isEqualTo(readerKey.json());
    assertThat(ok.values().keyJson()).isEqualTo(key.json());
    assertThat(ok.values().amplitudeApiKey()).isNull();
  }

  @Test
  void oneSecretMayHoldBothKeyFiles() {
    create(secret(ExportFixtures.GOOGLE_SECRET, Map.of("service-account.json", key.json(), "reader.json",
        readerKey.json()), "true"));
    var both = secrets.observe(storageExport(ExportFixtures.GOOGLE_SECRET, "reader.json"), informer());
    assertThat(both.ok()).isTrue();
    assertThat(both.values().storageKeyJson()).isEqualTo(readerKey.json());

    client.resource(secret(ExportFixtures.GOOGLE_SECRET, Map.of("service-account.json", key.json(), "reader.json",
        "{not json"), "true")).update();
    assertThat(secrets.observe(storageExport(ExportFixtures.GOOGLE_SECRET, "reader.json"), informer()).problem()
        .reason()).as("the storage key parsed too").isEqualTo(Reasons.INVALID_KEY_JSON);
  }

  @Test
  void amplitudesKeysAreTrimmedAndTheKeyFileIsGivenAsIs() {
    create(secret(ExportFixtures.GOOGLE_SECRET, Map.of("service-account.json", key.json() + "\n"), "true"),
        secret(ExportFixtures.AMPLITUDE_SECRET, Map.of("api-key", " api\n", "secret-key", "\tsecret \n"), "true"));
    var values = secrets.observe(amplitudeExport(), informer()).values();
    assertThat(values.keyJson()).isEqualTo(key.json() + "\n");
    assertThat(values.amplitudeApiKey()).isEqualTo("api");
    assertThat(values.amplitudeSecretKey()).isEqualTo("secret");
    assertThat(values.storageKeyJson()).isNull();
    assertThat(values).hasToString("Values[redacted]");
  }

  @Test
  void theFingerprintChangesWithEachValueAProbeUses() {
    create(google(), amplitude());
    String before = secrets.observe(amplitudeExport(), informer()).fingerprint();
    for (var change : List.of(
        secret(ExportFixtures.GOOGLE_SECRET, Map.of("service-account.json", readerKey.json()), "true"),
        secret(ExportFixtures.AMPLITUDE_SECRET, Map.of("api-key", "other", "secret-key", "test-secret-key"), "true"),
        secret(ExportFixtures.AMPLITUDE_SECRET, Map.of("api-key", "other", "secret-key", "other-secret"), "true"))) {
      client.resource(change).update();
      String after = secrets.observe(amplitudeExport(), informer()).fingerprint();
      assertThat(after).as(change.getMetadata().getName()).isNotEqualTo(before).doesNotContain(key.json());
      before = after;
    }
    assertThat(before).as("no storage key").endsWith(",-");
  }
}
