package io.bqexport.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bqexport.testing.Crds;
import io.bqexport.testing.ProjectFiles;
import io.bqexport.testing.SchemaValidation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The storage source's one-of rules, bucket naming, merged IDs, event filters and Workload Identity, evaluated as
 * the API server would (defaults, OpenAPI, CEL), starting from samples/export-storage.yaml.
 */
class StorageSourceSchemaRulesTest {
  private final SchemaValidation exports = new SchemaValidation(Crds.named("bigqueryexports.bqexport.io"));

  @Test
  void theStorageSampleIsAccepted() {
    assertThat(exports.violations(storageSample(), null)).isEmpty();
  }

  @Test
  void exactlyOneSourceIsRequired() {
    Map<String, Object> both = storageSample();
    source(both).put("amplitude", map("credentialsSecretRef", map("name", "amplitude-prod")));
    assertThat(exports.violations(both, null)).containsExactly("spec.source: spec.source: set exactly one of amplitude (the"
        + " Export API) and storage (Amplitude's Cloud Storage export)");
    Map<String, Object> none = storageSample();
    source(none).remove("storage");
    assertThat(exports.violations(none, null)).contains("spec.source: spec.source: set exactly one of amplitude (the"
        + " Export API) and storage (Amplitude's Cloud Storage export)");
  }

  @Test
  void credentialsAreASecretOrWorkloadIdentityNeverBoth() {
    Map<String, Object> both = storageSample();
    credentials(storage(both)).put("secretRef", map("name", "gcs-reader"));
    assertThat(exports.violations(both, null)).singleElement().asString()
        .contains("credentials: set exactly one of secretRef");
    Map<String, Object> keyed = storageSample();
    credentials(storage(keyed)).remove("workloadIdentity");
    credentials(storage(keyed)).put("secretRef", map("name", "gcs-reader"));
    assertThat(exports.violations(keyed, null)).isEmpty();
    credentials(storage(keyed)).remove("secretRef");
    assertThat(exports.violations(keyed, null)).singleElement().asString()
        .contains("credentials: set exactly one of secretRef");
  }

  @Test
  void theDestinationTakesTheOldKeyFieldOrCredentialsNotBoth() {
    Map<String, Object> both = storageSample();
    destination(both).put("credentialsSecretRef", map("name", "bq-writer"));
    assertThat(exports.violations(both, null)).containsExactly("spec.destination: spec.destination: set exactly one of"
        + " credentialsSecretRef (a service-account key Secret) and credentials (secretRef, or workloadIdentity: {}"
        + " for no key)");
    Map<String, Object> keyInCredentials = storageSample();
    destination(keyInCredentials).put("credentials", map("secretRef", map("name", "bq-writer")));
    assertThat(exports.violations(keyInCredentials, null)).isEmpty();
  }

  @Test
  void workloadIdentityNeedsAServiceAccountAndADestinationProject() {
    Map<String, Object> noAccount = storageSample();
    spec(noAccount).remove("pod");
    assertThat(exports.violations(noAccount, null)).singleElement().asString()
        .contains("spec.pod.serviceAccountName is required with workloadIdentity");
    Map<String, Object> noProject = storageSample();
    destination(noProject).remove("projectId");
    assertThat(exports.violations(noProject, null)).containsExactly("spec.destination: spec.destination.projectId is required with"
        + " credentials.workloadIdentity: there is no key to take the project from");
  }

  @Test
  void bucketNamesFollowCloudStorageRules() {
    for (String bad : List.of("gs://acme", "Acme-Export", "-acme", "acme-", "ab", "a..b", "x".repeat(64))) {
      Map<String, Object> export = storageSample();
      gcs(export).put("bucket", bad);
      assertThat(exports.violations(export, null)).as(bad).isNotEmpty();
    }
    for (String bad : List.of("google-exports", "goog-exports")) {
      Map<String, Object> export = storageSample();
      gcs(export).put("bucket", bad);
      assertThat(exports.violations(export, null)).as(bad).singleElement().asString().contains("'google'");
    }
    for (String good : List.of("acme", "acme_export-2", "exports.acme.example.com", "a1b")) {
      Map<String, Object> export = storageSample();
      gcs(export).put("bucket", good);
      assertThat(exports.violations(export, null)).as(good).isEmpty();
    }
  }

  @Test
  void idsAreDigitsAndOrgIdExcludesTheLegacyLayout() {
    Map<String, Object> export = storageSample();
    storage(export).put("appId", "amp-187520");
    assertThat(exports.violations(export, null)).singleElement().asString().contains("spec.source.storage.appId");
    Map<String, Object> both = storageSample();
    storage(both).put("legacyMergeIdLayout", true);
    assertThat(exports.violations(both, null)).singleElement().asString()
        .contains("spec.source.storage: set orgId");
    Map<String, Object> legacy = storageSample();
    storage(legacy).remove("orgId");
    storage(legacy).put("legacyMergeIdLayout", true);
    assertThat(exports.violations(legacy, null)).isEmpty();
  }

  @Test
  void mergeIdsNeedTheStorageSourceWithAnOrganisationLayoutAndTheirOwnTable() {
    Map<String, Object> noOrg = storageSample();
    storage(noOrg).remove("orgId");
    assertThat(exports.violations(noOrg, null)).singleElement().asString()
        .contains("spec.data.mergeIds.enabled needs spec.source.storage");
    Map<String, Object> sameTable = storageSample();
    mergeIds(sameTable).put("table", "events");
    assertThat(exports.violations(sameTable, null)).singleElement().asString()
        .contains("spec.data.mergeIds.table names the events table");
    Map<String, Object> amplitude = sample("export-minimal.yaml");
    spec(amplitude).put("data", map("mergeIds", map("enabled", true)));
    assertThat(exports.violations(amplitude, null)).singleElement().asString()
        .contains("spec.data.mergeIds.enabled needs spec.source.storage");
  }

  @Test
  void eachFilterRuleIsOneEventTypeOrOnePrefixAndTheListsAreBounded() {
    Map<String, Object> both = storageSample();
    filter(both).put("include", List.of(map("eventType", "Purchase", "prefix", "Pur")));
    assertThat(exports.violations(both, null)).singleElement().asString()
        .contains("spec.data.events.filter: each rule sets exactly one of eventType");
    Map<String, Object> empty = storageSample();
    filter(empty).put("exclude", List.of(map()));
    assertThat(exports.violations(empty, null)).singleElement().asString()
        .contains("spec.data.events.filter: each rule sets exactly one of eventType");
    Map<String, Object> many = storageSample();
    List<Object> rules = new ArrayList<>();
    for (int i = 0; i <= EventFilterSpec.MAX_RULES; i++) {
      rules.add(map("eventType", "e" + i));
    }
    filter(many).put("include", rules);
    assertThat(exports.violations(many, null)).singleElement().asString().contains("filter.include");
    Map<String, Object> amplitude = sample("export-minimal.yaml");
    spec(amplitude).put("data", map("events", map("filter", map("include", List.of(map("prefix", "checkout_"))))));
    assertThat(exports.violations(amplitude, null)).as("filters apply to both sources").isEmpty();
  }

  private static Map<String, Object> storageSample() {
    return sample("export-storage.yaml");
  }

  /** The BigQueryExport of a sample file (the last document), as a mutable map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> sample(String file) {
    try {
      String text = Files.readString(ProjectFiles.resolve("samples/" + file));
      String[] documents = text.split("(?m)^---$");
      return mutable(new YAMLMapper().readValue(documents[documents.length - 1], Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mutable(Map<String, Object> map) {
    Map<String, Object> copy = new HashMap<>();
    map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? mutable((Map<String, Object>) m) : v));
    return copy;
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> object, String... path) {
    Map<String, Object> node = object;
    for (String part : path) {
      node = (Map<String, Object>) node.get(part);
    }
    return node;
  }

  private static Map<String, Object> spec(Map<String, Object> export) {
    return at(export, "spec");
  }

  private static Map<String, Object> source(Map<String, Object> export) {
    return at(export, "spec", "source");
  }

  private static Map<String, Object> storage(Map<String, Object> export) {
    return at(export, "spec", "source", "storage");
  }

  private static Map<String, Object> gcs(Map<String, Object> export) {
    return at(export, "spec", "source", "storage", "gcs");
  }

  private static Map<String, Object> credentials(Map<String, Object> storage) {
    return at(storage, "credentials");
  }

  private static Map<String, Object> destination(Map<String, Object> export) {
    return at(export, "spec", "destination");
  }

  private static Map<String, Object> mergeIds(Map<String, Object> export) {
    return at(export, "spec", "data", "mergeIds");
  }

  private static Map<String, Object> filter(Map<String, Object> export) {
    return at(export, "spec", "data", "events", "filter");
  }
}
