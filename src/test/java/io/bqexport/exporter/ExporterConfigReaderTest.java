package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExporterConfigReaderTest {

  static final String VALID = """
      {
        "export": {"namespace": "default", "name": "product-events"},
        "source": {"region": "US", "endpoint": null,
                   "apiKeyFile": "/etc/bqexport/amplitude/api-key", "secretKeyFile": "/etc/bqexport/amplitude/secret-key",
                   "maxBadRecords": 0, "connectTimeoutSeconds": 30, "readTimeoutSeconds": 300},
        "destination": {"projectId": "acme-analytics", "dataset": "amplitude", "location": "US",
                        "credentialsFile": "/etc/bqexport/gcp/service-account.json", "endpoint": null,
                        "createDataset": false},
        "data": {"events": {"enabled": true, "table": "events"}},
        "startFrom": "2026-11-01T00:00:00Z",
        "availabilityDelay": "PT2H",
        "maxHoursPerRun": 24,
        "terminationMessagePath": "/dev/termination-log"
      }""";

  @Test
  void readsTheDocumentedConfig() {
    ExporterConfig config = ExporterConfigReader.parse(VALID);
    assertThat(config.export().name()).isEqualTo("product-events");
    assertThat(config.startFromInstant()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(config.availabilityDelayDuration()).isEqualTo(Duration.ofHours(2));
    assertThat(config.eventsTable()).isEqualTo("events");
    assertThat(config.source().readTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(ExporterConfigReader.parse(ExporterConfigReader.toJson(config))).isEqualTo(config);
  }

  @Test
  void defaultsOptionalFields() {
    ExporterConfig config = ExporterConfigReader.parse("""
        {"source": {"region": "EU", "apiKeyFile": "/a", "secretKeyFile": "/b"},
         "destination": {"dataset": "d", "credentialsFile": "/c"}, "startFrom": "2026-11-01T00:00:00Z"}""");
    assertThat(config.maxHoursPerRunOrDefault()).isEqualTo(24);
    assertThat(config.availabilityDelayDuration()).isEqualTo(Duration.ofHours(2));
    assertThat(config.terminationMessagePathOrDefault()).isEqualTo("/dev/termination-log");
    assertThat(config.source().maxBadRecordsOrDefault()).isZero();
  }

  @Test
  void namesEachInvalidField() {
    String bad = VALID.replace("\"US\", \"endpoint\"", "\"APAC\", \"endpoint\"")
        .replace("2026-11-01T00:00:00Z", "2026-11-01T00:30:00Z")
        .replace("\"PT2H\"", "\"2 hours\"")
        .replace("\"amplitude\", \"location\"", "\"my-data\", \"location\"")
        .replace("\"maxHoursPerRun\": 24", "\"maxHoursPerRun\": 0");
    assertThatThrownBy(() -> ExporterConfigReader.parse(bad))
        .isInstanceOfSatisfying(ExportFailure.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.ConfigInvalid))
        .hasMessageContaining("source.region must be US or EU")
        .hasMessageContaining("startFrom must be a whole hour")
        .hasMessageContaining("availabilityDelay must be an ISO-8601 duration")
        .hasMessageContaining("destination.dataset")
        .hasMessageContaining("maxHoursPerRun");
  }

  @Test
  void rejectsUnknownFieldsAndWrongTypesByName() {
    assertThatThrownBy(() -> ExporterConfigReader.parse(VALID.replace("\"maxBadRecords\"", "\"maxBadRecord\"")))
        .hasMessageContaining("unknown field 'source.maxBadRecord'");
    assertThatThrownBy(() -> ExporterConfigReader.parse(VALID.replace("\"maxHoursPerRun\": 24", "\"maxHoursPerRun\": \"many\"")))
        .hasMessageContaining("field 'maxHoursPerRun' has the wrong type");
    assertThatThrownBy(() -> ExporterConfigReader.parse("{not json"))
        .hasMessageContaining("not valid JSON");
  }

  /** The storage source with merged IDs, a filter and Workload Identity: the config the operator writes. */
  static final String STORAGE = """
      {
        "export": {"namespace": "default", "name": "product-events"},
        "storage": {"bucket": "acme-amplitude-export", "prefix": "amplitude", "appId": "187520", "orgId": "189524",
                    "legacyMergeIdLayout": false, "endpoint": null, "credentialsFile": null,
                    "workloadIdentity": true, "maxBadRecords": 0},
        "destination": {"projectId": "acme-analytics", "dataset": "amplitude", "location": "US",
                        "credentialsFile": null, "endpoint": null, "createDataset": false, "workloadIdentity": true},
        "data": {"events": {"enabled": true, "table": "events",
                            "filter": {"include": [{"prefix": "[Amplitude]"}], "exclude": [{"eventType": "Login"}]}},
                 "mergeIds": {"enabled": true, "table": "merge_ids"}},
        "startFrom": "2026-11-01T00:00:00Z"
      }""";

  @Test
  void readsTheStorageSourceConfig() {
    ExporterConfig config = ExporterConfigReader.parse(STORAGE);
    assertThat(config.source()).isNull();
    assertThat(config.storage().workloadIdentityOrDefault()).isTrue();
    assertThat(config.data().mergeIds().tableOrDefault()).isEqualTo("merge_ids");
    assertThat(EventTypeFilter.of(config).canonical())
        .isEqualTo("{\"include\":[{\"prefix\":\"[Amplitude]\"}],\"exclude\":[{\"eventType\":\"Login\"}]}");
    assertThat(ExporterConfigReader.parse(ExporterConfigReader.toJson(config))).isEqualTo(config);
  }

  @Test
  void namesEachInvalidStorageField() {
    String bad = STORAGE.replace("acme-amplitude-export", "gs://Acme")
        .replace("\"187520\"", "\"my-app\"")
        .replace("\"orgId\": \"189524\"", "\"orgId\": null")
        .replace("\"legacyMergeIdLayout\": false, \"endpoint\": null, \"credentialsFile\": null",
            "\"legacyMergeIdLayout\": false, \"endpoint\": null, \"credentialsFile\": \"/k.json\"")
        .replace("{\"eventType\": \"Login\"}", "{\"eventType\": \"Login\", \"prefix\": \"L\"}")
        .replace("\"projectId\": \"acme-analytics\"", "\"projectId\": null");
    assertThatThrownBy(() -> ExporterConfigReader.parse(bad))
        .isInstanceOfSatisfying(ExportFailure.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.ConfigInvalid))
        .hasMessageContaining("storage.bucket must be a Cloud Storage bucket name")
        .hasMessageContaining("storage.appId must be the Amplitude project ID")
        .hasMessageContaining("storage.orgId is required with data.mergeIds")
        .hasMessageContaining("storage.legacyMergeIdLayout: true")
        .hasMessageContaining("set exactly one of storage.credentialsFile")
        .hasMessageContaining("data.events.filter.exclude[0] must set exactly one of eventType")
        .hasMessageContaining("destination.projectId is required with destination.workloadIdentity");
  }

  @Test
  void exactlyOneSourceAndMergedIdsOnlyFromStorage() {
    String both = STORAGE.replace("\"storage\":", "\"source\": {\"region\": \"US\", \"apiKeyFile\": \"/a\", "
        + "\"secretKeyFile\": \"/b\"},\n  \"storage\":");
    assertThatThrownBy(() -> ExporterConfigReader.parse(both))
        .hasMessageContaining("set exactly one of source (Amplitude's Export API) and storage");
    String mergeIdsFromApi = VALID.replace("\"data\": {\"events\": {\"enabled\": true, \"table\": \"events\"}}",
        "\"data\": {\"events\": {\"enabled\": true, \"table\": \"events\"}, \"mergeIds\": {\"enabled\": true}}");
    assertThatThrownBy(() -> ExporterConfigReader.parse(mergeIdsFromApi))
        .hasMessageContaining("data.mergeIds needs the storage source");
    String legacy = STORAGE.replace("\"orgId\": \"189524\"", "\"orgId\": null")
        .replace("\"legacyMergeIdLayout\": false", "\"legacyMergeIdLayout\": true");
    assertThat(ExporterConfigReader.parse(legacy).storage().legacyMergeIdLayout()).isTrue();
  }

  @Test
  void bucketNamesFollowCloudStorageRules() {
    for (String ok : new String[] {"abc", "my_bucket-1", "a.b.example.com", "x".repeat(63)}) {
      assertThat(ExporterConfigReader.parse(STORAGE.replace("acme-amplitude-export", ok)).storage().bucket())
          .isEqualTo(ok);
    }
    for (String bad : new String[] {"ab", "-abc", "abc-", "ABC", "goog-export", "x".repeat(64), "a..b", "a/b"}) {
      assertThatThrownBy(() -> ExporterConfigReader.parse(STORAGE.replace("acme-amplitude-export", bad)))
          .as(bad).hasMessageContaining("storage.bucket");
    }
  }


  private static String withIntegrity(String integrity) {
    return VALID.replace("\"maxHoursPerRun\": 24,", "\"maxHoursPerRun\": 24, \"integrity\": " + integrity + ",");
  }

  @Test
  void integrityDefaultsWhenUnsetAndReadsItsFields() {
    ExporterConfig.Integrity defaults = ExporterConfigReader.parse(VALID).integrityOrDefault();
    assertThat(defaults.enabledOrDefault()).isTrue();
    assertThat(defaults.recheckAfterOrDefault()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.lookbackOrDefault()).isEqualTo(Duration.ofDays(7));
    assertThat(defaults.maxHoursPerRunOrDefault()).isEqualTo(24);

    ExporterConfig config = ExporterConfigReader.parse(withIntegrity(
        "{\"enabled\": false, \"recheckAfter\": \"PT6H\", \"lookback\": \"P2D\", \"maxHoursPerRun\": 0}"));
    assertThat(config.integrityOrDefault().enabledOrDefault()).isFalse();
    assertThat(config.integrityOrDefault().recheckAfterOrDefault()).isEqualTo(Duration.ofHours(6));
    assertThat(config.integrityOrDefault().lookbackOrDefault()).isEqualTo(Duration.ofDays(2));
    assertThat(config.integrityOrDefault().maxHoursPerRunOrDefault()).as("0 verifies nothing this run").isZero();
    assertThat(ExporterConfigReader.parse(ExporterConfigReader.toJson(config))).isEqualTo(config);
  }

  @Test
  void integrityErrorsNameTheFieldAndTheFix() {
    assertThatThrownBy(() -> ExporterConfigReader.parse(withIntegrity(
        "{\"recheckAfter\": \"1 day\", \"lookback\": \"PT0S\", \"maxHoursPerRun\": 9000}")))
        .isInstanceOfSatisfying(ExportFailure.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.ConfigInvalid))
        .hasMessageContaining("integrity.recheckAfter must be an ISO-8601 duration such as PT24H, got '1 day'")
        .hasMessageContaining("integrity.lookback must be a positive duration such as P7D, got 'PT0S'")
        .hasMessageContaining("integrity.maxHoursPerRun must be between 0 (verify nothing this run) and 8784, "
            + "got 9000");
    assertThatThrownBy(() -> ExporterConfigReader.parse(withIntegrity("{\"recheckAfter\": \"-PT24H\"}")))
        .hasMessageContaining("integrity.recheckAfter must be a positive duration");
    assertThatThrownBy(() -> ExporterConfigReader.parse(withIntegrity("{\"maxHoursPerRun\": -1}")))
        .hasMessageContaining("integrity.maxHoursPerRun must be between 0");
  }

  @Test
  void aLookbackThatEndsBeforeAnyHourIsDueIsRefused() {
    assertThatThrownBy(() -> ExporterConfigReader.parse(withIntegrity("{\"lookback\": \"P1D\"}")))
        .isInstanceOfSatisfying(ExportFailure.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.ConfigInvalid))
        .hasMessageContaining("integrity.lookback (P1D) must be at least recheckAfter + 1 hour (PT25H)")
        .hasMessageContaining("no hour would ever be re-checked");
    assertThatThrownBy(() -> ExporterConfigReader.parse(withIntegrity(
        "{\"recheckAfter\": \"P3D\", \"lookback\": \"P2D\"}")))
        .hasMessageContaining("integrity.lookback (P2D) must be at least recheckAfter + 1 hour (PT73H)");
    assertThat(ExporterConfigReader.parse(withIntegrity("{\"recheckAfter\": \"PT6H\", \"lookback\": \"PT7H\"}"))
        .integrityOrDefault().lookbackOrDefault()).isEqualTo(Duration.ofHours(7));
  }

  @Test
  void aRecheckBeforeTheHourIsExportableIsRefused() {
    assertThatThrownBy(() -> ExporterConfigReader.parse(withIntegrity("{\"recheckAfter\": \"PT1H\"}")))
        .hasMessageContaining("integrity.recheckAfter (PT1H) must not be shorter than availabilityDelay (PT2H)")
        .hasMessageContaining("raise recheckAfter to at least PT2H");
    assertThat(ExporterConfigReader.parse(withIntegrity("{\"recheckAfter\": \"PT2H\"}"))
        .integrityOrDefault().recheckAfterOrDefault()).isEqualTo(Duration.ofHours(2));
  }

  private static ExporterConfig withData(ExporterConfig.Data data) {
    return new ExporterConfig(new ExporterConfig.ExportRef("default", "product-events"), null, null, null, data,
        "2026-11-01T00:00:00Z", "PT2H", 24, null, null, null);
  }

  @Test
  void theEventsTableIsDataEventsTableElseEvents() {
    assertThat(withData(null).eventsTable()).isEqualTo("events");
    assertThat(withData(new ExporterConfig.Data(null)).eventsTable()).isEqualTo("events");
    assertThat(withData(new ExporterConfig.Data(new ExporterConfig.Events(true, "product_events"))).eventsTable())
        .isEqualTo("product_events");
    assertThat(withData(new ExporterConfig.Data(new ExporterConfig.Events(true, " "))).eventsTable())
        .isEqualTo("events");
  }

  /** The documented config sets the defaults (30 s, 300 s): other values must be read, unset ones defaulted. */
  @Test
  void sourceTimeoutsAreReadElseDefaulted() {
    ExporterConfig.Source set = new ExporterConfig.Source("US", null, "a", "s", 0, 7, 45);
    assertThat(set.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(set.readTimeout()).isEqualTo(Duration.ofSeconds(45));
    ExporterConfig.Source unset = new ExporterConfig.Source("US", null, "a", "s", 0, null, null);
    assertThat(unset.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(unset.readTimeout()).isEqualTo(Duration.ofSeconds(300));
  }
}
