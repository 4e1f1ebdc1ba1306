package io.bqexport.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.api.v1alpha1.AmplitudeSecretRef;
import io.bqexport.api.v1alpha1.AmplitudeSourceSpec;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.DataSpec;
import io.bqexport.api.v1alpha1.DestinationSpec;
import io.bqexport.api.v1alpha1.EventFilterSpec;
import io.bqexport.api.v1alpha1.EventsSpec;
import io.bqexport.api.v1alpha1.FilterRuleSpec;
import io.bqexport.api.v1alpha1.GcsLocation;
import io.bqexport.api.v1alpha1.GoogleCredentialsSpec;
import io.bqexport.api.v1alpha1.JobPodSpec;
import io.bqexport.api.v1alpha1.MergeIdsSpec;
import io.bqexport.api.v1alpha1.SecretKeyRef;
import io.bqexport.api.v1alpha1.SourceSpec;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.api.v1alpha1.WorkloadIdentitySpec;
import io.bqexport.operator.status.Problem;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The validator repeats the CRD's storage, merged-ID, filter and Workload Identity rules, naming each field. */
class StorageSpecRulesTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:34:00Z");
  private static final GoogleCredentialsSpec KEY = new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null),
      null);
  private static final GoogleCredentialsSpec WORKLOAD_IDENTITY = new GoogleCredentialsSpec(null,
      new WorkloadIdentitySpec());

  private final ExportSpecValidator validator = new ExportSpecValidator();

  @Test
  void aStorageSpecWithKeysOrWorkloadIdentityIsValid() {
    assertThat(messages(spec(storage("acme-export", "187520", "189524", false, KEY), keyDestination(),
        data(true, null), null))).isEmpty();
    assertThat(messages(spec(storage("acme-export", "187520", null, true, WORKLOAD_IDENTITY),
        new DestinationSpec("acme-analytics", "amplitude", null, null, null, null, WORKLOAD_IDENTITY),
        data(true, null), "bqexport-exporter"))).isEmpty();
  }

  @Test
  void bothSourcesOrNoneIsRefused() {
    var amplitude = new AmplitudeSourceSpec(null, null, new AmplitudeSecretRef("amplitude", null, null), null);
    var both = new BigQueryExportSpec(new SourceSpec(amplitude, storage("acme", "1", null, false, KEY)),
        keyDestination(), null, null, null, null, null, null, null, null, null, null);
    assertThat(messages(both)).singleElement().asString().contains("spec.source: set exactly one of amplitude");
  }

  @Test
  void bucketAndIdsAreCheckedByCloudStorageAndAmplitudeRules() {
    assertThat(messages(spec(storage("gs://acme", "187520", null, false, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("spec.source.storage.gcs.bucket 'gs://acme'", "without gs://");
    assertThat(messages(spec(storage("my-google-bucket", "187520", null, false, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("spec.source.storage.gcs.bucket", "'google'");
    assertThat(messages(spec(storage("x".repeat(64), "187520", null, false, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("64 characters", "3 to 63");
    assertThat(messages(spec(storage("acme", "app-1", null, false, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("spec.source.storage.appId", "digits only");
    assertThat(messages(spec(storage("acme", "187520", "-189524", false, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("spec.source.storage.orgId", "without the minus sign");
    assertThat(messages(spec(storage("acme", "187520", "189524", true, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("set orgId", "not both");
  }

  @Test
  void credentialsAreExactlyOneOfAKeyAndWorkloadIdentity() {
    var both = new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", null), new WorkloadIdentitySpec());
    assertThat(messages(spec(storage("acme", "187520", null, false, both), keyDestination(), null, "sa")))
        .singleElement().asString().contains("spec.source.storage.credentials: set exactly one of secretRef");
    var neither = new GoogleCredentialsSpec(null, null);
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY),
        new DestinationSpec(null, "amplitude", null, null, null, null, neither), null, null)))
        .singleElement().asString().contains("spec.destination.credentials: set exactly one of secretRef");
    var twice = new DestinationSpec(null, "amplitude", null, new SecretKeyRef("bq-writer", null), null, null, KEY);
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY), twice, null, null)))
        .singleElement().asString().contains("exactly one of spec.destination.credentialsSecretRef and"
            + " spec.destination.credentials");
    var badKey = new GoogleCredentialsSpec(new SecretKeyRef("gcs-reader", "../token"), null);
    assertThat(messages(spec(storage("acme", "187520", null, false, badKey), keyDestination(), null, null)))
        .singleElement().asString().contains("spec.source.storage.credentials.secretRef.key '../token'");
  }

  @Test
  void workloadIdentityNeedsAServiceAccountAndTheDestinationProject() {
    assertThat(messages(spec(storage("acme", "187520", null, false, WORKLOAD_IDENTITY), keyDestination(), null,
        null))).singleElement().asString().contains("spec.pod.serviceAccountName is required with workloadIdentity",
        "iam.gke.io/gcp-service-account");
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY),
        new DestinationSpec(null, "amplitude", null, null, null, null, WORKLOAD_IDENTITY), null, "exporter")))
        .singleElement().asString().contains("spec.destination.projectId is required with"
            + " credentials.workloadIdentity");
  }

  @Test
  void mergeIdsNeedAnOrganisationLayoutOfTheStorageSourceAndTheirOwnTable() {
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY), keyDestination(), data(true, null),
        null))).singleElement().asString().contains("spec.data.mergeIds.enabled needs spec.source.storage with"
        + " orgId");
    assertThat(messages(spec(storage("acme", "187520", "189524", false, KEY), keyDestination(),
        new DataSpec(null, new MergeIdsSpec(true, "events")), null))).singleElement().asString()
        .contains("spec.data.mergeIds.table names the events table");
    var amplitude = new BigQueryExportSpec(new SourceSpec(new AmplitudeSourceSpec(null, null,
        new AmplitudeSecretRef("amplitude", null, null), null)), keyDestination(), data(true, null), null, null,
        null, null, null, null, null, null, null);
    assertThat(messages(amplitude)).singleElement().asString()
        .contains("spec.data.mergeIds.enabled needs spec.source.storage");
  }

  @Test
  void eachFilterRuleIsOneKindAndTheListsAreBounded() {
    var mixed = new EventFilterSpec(List.of(new FilterRuleSpec("Purchase", "Pur")), null);
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY), keyDestination(), data(false, mixed),
        null))).singleElement().asString().contains("spec.data.events.filter.include[0]: set exactly one of"
        + " eventType");
    var empty = new EventFilterSpec(null, List.of(new FilterRuleSpec(null, "")));
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY), keyDestination(), data(false, empty),
        null))).singleElement().asString().contains("spec.data.events.filter.exclude[0]", "empty prefix");
    var many = new EventFilterSpec(Collections.nCopies(101, new FilterRuleSpec("e", null)), null);
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY), keyDestination(), data(false, many),
        null))).singleElement().asString().contains("spec.data.events.filter.include has 101 rules, at most 100");
  }

  @Test
  void aHugeFilterStringIsRefusedAsTheCrdWouldNotOnlyWhenTheApiServerEnforcesIt() {
    // The CRD says maxLength 1024; without its validation (an old CRD) 100 rules of 1 MB each would make a ConfigMap
    // the API server refuses (over 1 MiB) on every reconcile, with no condition naming the field.
    var huge = new EventFilterSpec(null, List.of(new FilterRuleSpec(null, "x".repeat(1025))));
    assertThat(messages(spec(storage("acme", "187520", null, false, KEY), keyDestination(), data(false, huge),
        null))).singleElement().asString().contains("spec.data.events.filter.exclude[0]", "1025", "at most 1024");
  }

  @Test
  void bucketsSpelledAsUrlsOrHostsAreRefusedNamingTheField() {
    for (String bucket : List.of("storage.googleapis.com@evil.example", "https://evil.example", "evil.example.",
        "[::1]", "EVIL.example", "evil/../other", "gs://acme")) {
      assertThat(messages(spec(storage(bucket, "187520", null, false, KEY), keyDestination(), null, null)))
          .as(bucket).anySatisfy(m -> assertThat(m).contains("spec.source.storage.gcs.bucket"));
    }
  }

  @Test
  void everyEndpointSpellingIsRefusedWithoutTheFlag() {
    for (String endpoint : List.of("HTTPS://storage.googleapis.com", "https://storage.googleapis.com@evil.example",
        "http://[::1]:9000", "https://evil.example.", "", " ", "https://storage.googleapis.com")) {
      var storage = new StorageSourceSpec(new GcsLocation("acme", null), "187520", null, null, endpoint, KEY, null);
      assertThat(validator.validate(spec(storage, keyDestination(), null, null), NOW)).as(endpoint)
          .singleElement().satisfies(p -> assertThat(p.reason()).isEqualTo("EndpointOverrideNotAllowed"));
    }
  }

  @Test
  void workloadIdentityIsRefusedWithoutTheFlagNamingEachFieldAndTheFix() {
    var spec = spec(storage("acme", "187520", null, false, WORKLOAD_IDENTITY),
        new DestinationSpec("acme-analytics", "amplitude", null, null, null, null, WORKLOAD_IDENTITY), null,
        "exporter");
    assertThat(new ExportSpecValidator(false, false).validate(spec, NOW)).singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("WorkloadIdentityNotAllowed"))
        .satisfies(p -> assertThat(p.message()).contains("spec.source.storage.credentials.workloadIdentity",
            "spec.destination.credentials.workloadIdentity", "--allow-workload-identity", "secretRef"));
    assertThat(new ExportSpecValidator(false, true).validate(spec, NOW)).isEmpty();
  }

  @Test
  void aStorageEndpointNeedsTheOperatorsPermission() {
    var storage = new StorageSourceSpec(new GcsLocation("acme", null), "187520", null, null,
        "http://127.0.0.1:9000", KEY, null);
    assertThat(validator.validate(spec(storage, keyDestination(), null, null), NOW)).singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("EndpointOverrideNotAllowed"))
        .satisfies(p -> assertThat(p.message()).contains("spec.source.storage.endpoint"));
    assertThat(new ExportSpecValidator(true).validate(spec(storage, keyDestination(), null, null), NOW)).isEmpty();
  }

  private List<String> messages(BigQueryExportSpec spec) {
    return validator.validate(spec, NOW).stream().map(Problem::message).toList();
  }

  @Test
  void bucketLengthsAtTheirBoundsAreAcceptedAndBeyondThemRefused() {
    String dotted = String.join(".", "a".repeat(55), "b".repeat(55), "c".repeat(55), "d".repeat(54));
    for (String ok : List.of("abc", "x".repeat(63), dotted)) {
      assertThat(messages(spec(storage(ok, "187520", null, false, KEY), keyDestination(), null, null)))
          .as(ok).isEmpty();
    }
    assertThat(messages(spec(storage("ab", "187520", null, false, KEY), keyDestination(), null, null)))
        .singleElement().asString().isEqualTo("spec.source.storage.gcs.bucket 'ab' has 2 characters: a bucket name"
            + " has 3 to 63 (up to 222 with dots)");
    String tooLong = dotted + "d";
    assertThat(messages(spec(storage(tooLong, "187520", null, false, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("has 223 characters");
    assertThat(messages(spec(storage("googbucket", "187520", null, false, KEY), keyDestination(), null, null)))
        .singleElement().asString().contains("cannot start with 'goog'");
  }

  @Test
  void thePrefixAndTheServiceAccountNameAreChecked() {
    var badPrefix = new StorageSourceSpec(new GcsLocation("acme-export", "amp\nlitude\n"), "187520", null, false,
        null, KEY, null);
    assertThat(messages(spec(badPrefix, keyDestination(), null, null))).singleElement().asString()
        .startsWith("spec.source.storage.gcs.prefix '");
    assertThat(messages(spec(storage("acme-export", "187520", null, false, KEY), keyDestination(), null,
        "Not_A_Name"))).singleElement().asString().startsWith("spec.pod.serviceAccountName 'Not_A_Name' is not valid");
    assertThat(messages(spec(storage("acme-export", "187520", null, false, KEY), keyDestination(), null, "")))
        .as("empty is no name").isEmpty();
  }

  @Test
  void theMergeIdsTableNameIsChecked() {
    var data = new DataSpec(new EventsSpec(null, null, null), new MergeIdsSpec(true, "1-merge"));
    assertThat(messages(spec(storage("acme-export", "187520", "189524", false, KEY), keyDestination(), data, null)))
        .singleElement().asString().startsWith("spec.data.mergeIds.table '1-merge' is not valid");
  }

  @Test
  void filterRulesAtTheirLimitsAreAcceptedAndBeyondThemRefused() {
    var hundred = Collections.nCopies(EventFilterSpec.MAX_RULES, new FilterRuleSpec("page_view", null));
    var longest = new FilterRuleSpec(null, "p".repeat(FilterRuleSpec.MAX_LENGTH));
    assertThat(messages(spec(storage("acme-export", "187520", null, false, KEY), keyDestination(),
        data(false, new EventFilterSpec(hundred, List.of(longest))), null))).isEmpty();

    var tooMany = Collections.nCopies(EventFilterSpec.MAX_RULES + 1, new FilterRuleSpec("page_view", null));
    assertThat(messages(spec(storage("acme-export", "187520", null, false, KEY), keyDestination(),
        data(false, new EventFilterSpec(tooMany, null)), null))).singleElement().asString()
        .startsWith("spec.data.events.filter.include has 101 rules, at most 100");
    var tooLongType = new FilterRuleSpec("e".repeat(FilterRuleSpec.MAX_LENGTH + 1), null);
    var tooLongPrefix = new FilterRuleSpec(null, "p".repeat(FilterRuleSpec.MAX_LENGTH + 1));
    assertThat(messages(spec(storage("acme-export", "187520", null, false, KEY), keyDestination(),
        data(false, new EventFilterSpec(null, List.of(tooLongType, tooLongPrefix))), null))).containsExactly(
            "spec.data.events.filter.exclude[0].eventType has 1025 characters, at most 1024 are allowed; use a"
                + " shorter prefix",
            "spec.data.events.filter.exclude[1].prefix has 1025 characters, at most 1024 are allowed; use a shorter"
                + " prefix");
    var emptyPrefix = new FilterRuleSpec(null, "");
    assertThat(messages(spec(storage("acme-export", "187520", null, false, KEY), keyDestination(),
        data(false, new EventFilterSpec(List.of(emptyPrefix), null)), null))).singleElement().asString()
        .startsWith("spec.data.events.filter.include[0]: an empty prefix matches nothing useful");
  }

  static StorageSourceSpec storage(String bucket, String appId, String orgId, boolean legacy,
      GoogleCredentialsSpec credentials) {
    return new StorageSourceSpec(new GcsLocation(bucket, "amplitude"), appId, orgId, legacy, null, credentials,
        null);
  }

  private static DestinationSpec keyDestination() {
    return new DestinationSpec(null, "amplitude", null, new SecretKeyRef("bq-writer", null), null, null);
  }

  private static DataSpec data(boolean mergeIds, EventFilterSpec filter) {
    return new DataSpec(new EventsSpec(null, null, filter), new MergeIdsSpec(mergeIds, null));
  }

  private static BigQueryExportSpec spec(StorageSourceSpec storage, DestinationSpec destination, DataSpec data,
      String serviceAccount) {
    return new BigQueryExportSpec(new SourceSpec(null, storage), destination, data, null, null, null, null, null,
        null, null, null, new JobPodSpec(null, null, null, null, null, serviceAccount));
  }
}
