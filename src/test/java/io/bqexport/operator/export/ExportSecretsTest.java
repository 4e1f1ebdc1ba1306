package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.testing.ExportFixtures;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.ServiceAccountKeys;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Secret is read from the API server once per version: later reconciles reuse what was derived from it (never its
 * data), a new version is read again, and a deleted export or Secret takes its entries along.
 */
class ExportSecretsTest {
  private static final String NS = "analytics";

  private final KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NS);
  private final KubernetesClient client = kubernetes.client();
  private final ServiceAccountKeys.Key key =
      ServiceAccountKeys.unregistered("http://127.0.0.1:1/token", "acme-analytics", "bq-writer");
  private final BigQueryExport export = withUid(ExportFixtures.export(NS, "product-events", null));
  private final ExportSecrets secrets = new ExportSecrets(kubernetes.newOperatorClient());

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  @Test
  void aSecretVersionAlreadySeenIsNotReadAgainAndItsValuesAreReadOnlyForAProbe() {
    createSecrets();
    ExportSecrets.Observation first = secrets.observe(export, informerView());
    assertThat(first.ok()).as(String.valueOf(first.problem())).isTrue();
    assertThat(secretReads()).isEqualTo(2);

    ExportSecrets.Observation again = secrets.observe(export, informerView());
    assertThat(secretReads()).as("the same versions: nothing read").isEqualTo(2);
    assertThat(again.versions()).isEqualTo(first.versions());
    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(again.key()).isEqualTo(first.key());

    ExportSecrets.Values values = again.values();
    assertThat(values.keyJson()).isEqualTo(key.json());
    assertThat(values.amplitudeApiKey()).isEqualTo("test-api-key");
    assertThat(secretReads()).as("values are read when a probe asks").isEqualTo(4);
  }

  @Test
  void aRotatedSecretIsReadAgainAndReplacesTheFactsOfItsOldVersion() {
    createSecrets();
    ExportSecrets.Observation before = secrets.observe(export, informerView());
    client.secrets().inNamespace(NS).withName(ExportFixtures.AMPLITUDE_SECRET)
        .edit(s -> { s.setStringData(java.util.Map.of("api-key", "rotated", "secret-key", "rotated-too")); return s; });

    ExportSecrets.Observation after = secrets.observe(export, informerView());
    assertThat(secretReads()).as("only the changed Secret is read again").isEqualTo(3);
    assertThat(after.ok()).isTrue();
    assertThat(after.versions()).isNotEqualTo(before.versions());
    assertThat(after.fingerprint()).as("probes of the old values are not shared").isNotEqualTo(before.fingerprint());
    assertThat(secrets.cachedSecrets()).as("one entry per Secret, whatever its versions").isEqualTo(2);

    client.secrets().inNamespace(NS).withName(ExportFixtures.AMPLITUDE_SECRET)
        .edit(s -> { s.setStringData(java.util.Map.of("api-key", " ", "secret-key", "x")); return s; });
    ExportSecrets.Observation blank = secrets.observe(export, informerView());
    assertThat(blank.problem().reason()).isEqualTo(Reasons.SECRET_KEY_MISSING);
    assertThat(blank.problem().message()).contains("has no key 'api-key'").doesNotContain("rotated");
  }

  @Test
  void forgettingADeletedExportDropsItsSecretsFacts() {
    createSecrets();
    secrets.observe(export, informerView());
    assertThat(secrets.cachedSecrets()).isEqualTo(2);
    secrets.forget(export);
    assertThat(secrets.cachedSecrets()).isZero();
    secrets.observe(export, informerView());
    assertThat(secretReads()).as("read again after being forgotten").isEqualTo(4);
  }

  @Test
  void aDeletedSecretIsReportedAndItsFactsDropped() {
    createSecrets();
    secrets.observe(export, informerView());
    client.secrets().inNamespace(NS).withName(ExportFixtures.GOOGLE_SECRET).delete();

    ExportSecrets.Observation gone = secrets.observe(export, informerView());
    assertThat(gone.problem().reason()).isEqualTo(Reasons.SECRET_NOT_FOUND);
    assertThat(secrets.cachedSecrets()).isEqualTo(1);
  }

  @Test
  void anInvalidKeyFileIsReportedFromTheCachedFactsToo() {
    client.resource(ExportFixtures.googleKeySecret(NS, "{not json")).create();
    client.resource(ExportFixtures.amplitudeSecret(NS)).create();
    ExportSecrets.Observation first = secrets.observe(export, informerView());
    ExportSecrets.Observation again = secrets.observe(export, informerView());
    assertThat(first.problem().reason()).isEqualTo(Reasons.INVALID_KEY_JSON);
    assertThat(again.problem()).isEqualTo(first.problem());
    assertThat(secretReads()).isEqualTo(2);
  }

  private void createSecrets() {
    client.resource(ExportFixtures.googleKeySecret(NS, key.json())).create();
    client.resource(ExportFixtures.amplitudeSecret(NS)).create();
  }

  /** The labelled Secrets as the metadata-only informer holds them: metadata, no data. */
  private List<Secret> informerView() {
    return client.secrets().inNamespace(NS).withLabel(ExportSecrets.CREDENTIALS_LABEL, "true").list().getItems()
        .stream().map(s -> { Secret meta = new Secret(); meta.setMetadata(s.getMetadata()); return meta; }).toList();
  }

  private long secretReads() {
    return kubernetes.requests().stream().filter(r -> r.byOperator() && r.method().equals("GET")
        && r.path().contains("/secrets/")).count();
  }

  private static BigQueryExport withUid(BigQueryExport export) {
    export.getMetadata().setUid("uid-product-events");
    return export;
  }
}
