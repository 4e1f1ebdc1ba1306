package io.bqexport.testing;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.operator.export.ExportSecrets;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/** Small builders for the objects most operator tests create. */
public final class ExportFixtures {
  public static final String GOOGLE_SECRET = "bq-writer";
  public static final String AMPLITUDE_SECRET = "amplitude-prod";

  private ExportFixtures() {}

  public static BigQueryExport export(String namespace, String name, String schedule) {
    BigQueryExport export = new BigQueryExport();
    export.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    export.setSpec(new BigQueryExportSpec(
        new SourceSpec(new AmplitudeSourceSpec(null, null, new AmplitudeSecretRef(AMPLITUDE_SECRET, null, null),
            null)),
        new DestinationSpec(null, "amplitude", null, new SecretKeyRef(GOOGLE_SECRET, null), null, null),
        null, schedule, null, null, null, null, null, null, null, null));
    return export;
  }

  public static Secret googleKeySecret(String namespace, String keyJson) {
    return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(GOOGLE_SECRET)
        .addToLabels(ExportSecrets.CREDENTIALS_LABEL, "true").endMetadata()
        .addToStringData("service-account.json", keyJson).build();
  }

  public static Secret amplitudeSecret(String namespace) {
    return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(AMPLITUDE_SECRET)
        .addToLabels(ExportSecrets.CREDENTIALS_LABEL, "true").endMetadata()
        .addToStringData("api-key", "test-api-key").addToStringData("secret-key", "test-secret-key").build();
  }
}
