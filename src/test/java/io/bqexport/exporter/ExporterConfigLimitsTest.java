package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every limit of the exporter config on both sides of its boundary: the value just inside is valid (no problem at
 * all), the value just outside gives exactly the one problem that names the field. The config the operator writes
 * is checked again here because the exporter can also be run by hand (--config).
 */
class ExporterConfigLimitsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The problems of {@code base} with each part of {@code from} replaced by that of {@code to} (" && " apart). */
  private static List<String> problems(String base, String from, String to) {
    String[] froms = from.split(" && ");
    String[] tos = to.split(" && ");
    assertThat(tos).hasSameSizeAs(froms);
    String config = base;
    for (int i = 0; i < froms.length; i++) {
      assertThat(config.indexOf(froms[i])).as("the base config contains %s once", froms[i])
          .isNotNegative().isEqualTo(config.lastIndexOf(froms[i]));
      config = config.replace(froms[i], tos[i]);
    }
    try {
      return ExporterConfigReader.validate(JSON.readValue(config, ExporterConfig.class));
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** Each expected problem is the start of one problem, in order; none expected: a valid config. */
  private static void assertProblems(List<String> problems, String expected) {
    List<String> starts = expected == null ? List.of() : Arrays.asList(expected.split(" \\| "));
    assertThat(problems).as("problems").hasSameSizeAs(starts);
    for (int i = 0; i < starts.size(); i++) {
      assertThat(problems.get(i)).startsWith(starts.get(i));
    }
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = ';', nullValues = "-", value = {
      "\"maxBadRecords\": 0; \"maxBadRecords\": 0; -",
      "\"maxBadRecords\": 0; \"maxBadRecords\": -1; source.maxBadRecords must be 0 or more, got -1",
      "\"connectTimeoutSeconds\": 30; \"connectTimeoutSeconds\": 1; -",
      "\"connectTimeoutSeconds\": 30; \"connectTimeoutSeconds\": 0; source.connectTimeoutSeconds must be positive, got 0",
      "\"readTimeoutSeconds\": 300; \"readTimeoutSeconds\": 1; -",
      "\"readTimeoutSeconds\": 300; \"readTimeoutSeconds\": 0; source.readTimeoutSeconds must be positive, got 0",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 1,; -",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 8784,; -",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 0,; maxHoursPerRun must be between 1 and 8784, got 0",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 8785,; maxHoursPerRun must be between 1 and 8784, got 8785",
      "\"apiKeyFile\": \"/etc/bqexport/amplitude/api-key\"; \"apiKeyFile\": \" \"; source.apiKeyFile is required",
      "\"secretKeyFile\": \"/etc/bqexport/amplitude/secret-key\"; \"secretKeyFile\": null; source.secretKeyFile is required",
      "\"region\": \"US\", \"endpoint\": null; \"region\": \"eu\", \"endpoint\": null; -",
      "\"region\": \"US\", \"endpoint\": null; \"region\": null, \"endpoint\": \"http://amplitude.internal\"; -",
      "\"region\": \"US\", \"endpoint\": null; \"region\": null, \"endpoint\": \"https://amplitude.internal\"; -",
      "\"region\": \"US\", \"endpoint\": null; \"region\": \"US\", \"endpoint\": \"ftp://amplitude\"; source.endpoint must be an http(s) URL, got 'ftp://amplitude'",
      "\"credentialsFile\": \"/etc/bqexport/gcp/service-account.json\"; \"credentialsFile\": null; set exactly one of destination.credentialsFile",
      "\"createDataset\": false; \"createDataset\": false, \"workloadIdentity\": true; set exactly one of destination.credentialsFile",
      "\"credentialsFile\": \"/etc/bqexport/gcp/service-account.json\"; \"credentialsFile\": null, \"workloadIdentity\": true; -",
      "\"projectId\": \"acme-analytics\" && \"credentialsFile\": \"/etc/bqexport/gcp/service-account.json\"; \"projectId\": \" \" && \"credentialsFile\": null, \"workloadIdentity\": true; destination.projectId is required with destination.workloadIdentity",
      "service-account.json\", \"endpoint\": null; service-account.json\", \"endpoint\": \"http://bigquery.internal\"; -",
      "service-account.json\", \"endpoint\": null; service-account.json\", \"endpoint\": \"https://bigquery.internal\"; -",
      "service-account.json\", \"endpoint\": null; service-account.json\", \"endpoint\": \"bigquery.internal\"; destination.endpoint must be an http(s) URL, got 'bigquery.internal'",
      "\"table\": \"events\"}; \"table\": \"events\", \"filter\": {\"include\": [{\"eventType\": \"\"}]}}; data.events.filter.include[0] must set exactly one of eventType",
      "\"table\": \"events\"}; \"table\": \"events\", \"filter\": {\"include\": [{\"prefix\": \"[Amplitude]\"}]}}; -",
      "\"table\": \"events\"}; \"table\": \"1events\"}; data.events.table must start with a letter or underscore",
      "\"data\": {\"events\": {\"enabled\": true, \"table\": \"events\"}},; \"data\": {\"mergeIds\": {\"enabled\": false}},; -",
      "\"data\": {\"events\": {\"enabled\": true, \"table\": \"events\"}},; ''; -",
      "\"availabilityDelay\": \"PT2H\"; \"availabilityDelay\": \"PT0S\"; -",
      "\"availabilityDelay\": \"PT2H\"; \"availabilityDelay\": \"-PT1H\"; availabilityDelay must not be negative, got '-PT1H'",
      "\"startFrom\": \"2026-11-01T00:00:00Z\"; \"startFrom\": \"2026-11-01\"; startFrom must be an ISO-8601 instant",
      "\"startFrom\": \"2026-11-01T00:00:00Z\"; \"startFrom\": null; startFrom is required",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"maxHoursPerRun\": 0},; -",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"maxHoursPerRun\": 8784},; -",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"maxHoursPerRun\": -1},; integrity.maxHoursPerRun must be between 0",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"maxHoursPerRun\": 8785},; integrity.maxHoursPerRun must be between 0",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"lookback\": \"PT25H\"},; -",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"lookback\": \"PT24H59M\"},; integrity.lookback (PT24H59M) must be at least recheckAfter + 1 hour (PT25H)",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"recheckAfter\": \"PT0S\"},; integrity.recheckAfter must be a positive duration such as PT24H, got 'PT0S'",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"recheckAfter\": \"P8D\"},; integrity.lookback (default P7D) must be at least recheckAfter + 1 hour (PT193H)",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"recheckAfter\": \"P8D\", \"lookback\": \"8 days\"},; integrity.lookback must be an ISO-8601 duration such as P7D, got '8 days'",
      "\"maxHoursPerRun\": 24,; \"maxHoursPerRun\": 24, \"integrity\": {\"recheckAfter\": \"PT1H59M\"},; integrity.recheckAfter (PT1H59M) must not be shorter than availabilityDelay (PT2H)",
  })
  void exportApiConfigLimits(String from, String to, String expected) {
    assertProblems(problems(ExporterConfigReaderTest.VALID, from, to), expected);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = ';', nullValues = "-", value = {
      "acme-amplitude-export; abc; -",
      "acme-amplitude-export; ab; storage.bucket must be a Cloud Storage bucket name",
      "acme-amplitude-export; goog-export; storage.bucket must be a Cloud Storage bucket name",
      "acme-amplitude-export; a..b; storage.bucket must be a Cloud Storage bucket name",
      "\"orgId\": \"189524\"; \"orgId\": \"-189524\"; -",
      "\"orgId\": \"189524\"; \"orgId\": \"org\"; storage.orgId must be the Amplitude organisation ID",
      "\"appId\": \"187520\"; \"appId\": \"0187520\"; storage.appId must be the Amplitude project ID",
      "\"orgId\": \"189524\" && \"legacyMergeIdLayout\": false; \"orgId\": null && \"legacyMergeIdLayout\": true; -",
      "\"orgId\": \"189524\" && \"legacyMergeIdLayout\": false; \"orgId\": null && \"legacyMergeIdLayout\": null; storage.orgId is required with data.mergeIds",
      "\"mergeIds\": {\"enabled\": true, \"table\": \"merge_ids\"}; \"mergeIds\": {\"enabled\": false, \"table\": \"merge_ids\"}; -",
      "\"orgId\": \"189524\" && \"enabled\": true, \"table\": \"merge_ids\"; \"orgId\": null && \"enabled\": false, \"table\": \"merge_ids\"; -",
      "\"legacyMergeIdLayout\": false, \"endpoint\": null; \"legacyMergeIdLayout\": false, \"endpoint\": \"http://storage.internal\"; -",
      "\"legacyMergeIdLayout\": false, \"endpoint\": null; \"legacyMergeIdLayout\": false, \"endpoint\": \"https://storage.internal\"; -",
      "\"legacyMergeIdLayout\": false, \"endpoint\": null; \"legacyMergeIdLayout\": false, \"endpoint\": \"gs://storage\"; storage.endpoint must be an http(s) URL, got 'gs://storage'",
      "\"maxBadRecords\": 0}; \"maxBadRecords\": -1}; storage.maxBadRecords must be 0 or more, got -1",
      "\"workloadIdentity\": true, \"maxBadRecords\": 0}; \"workloadIdentity\": false, \"maxBadRecords\": 0}; set exactly one of storage.credentialsFile",
      "\"table\": \"merge_ids\"; \"table\": \"EVENTS\"; data.mergeIds.table must differ from data.events.table, both are 'EVENTS'",
      "\"table\": \"merge_ids\"; \"table\": \"1merge\"; data.mergeIds.table must start with a letter or underscore",
  })
  void storageConfigLimits(String from, String to, String expected) {
    assertProblems(problems(ExporterConfigReaderTest.STORAGE, from, to), expected);
  }

  @Test
  void readsTheConfigFileAndNamesAMissingOne(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, ExporterConfigReaderTest.VALID);

    assertThat(ExporterConfigReader.read(file)).isEqualTo(ExporterConfigReader.parse(ExporterConfigReaderTest.VALID));
    assertThatThrownBy(() -> ExporterConfigReader.read(dir.resolve("missing.json")))
        .isInstanceOfSatisfying(ExportFailure.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.ConfigInvalid))
        .hasMessage("config file " + dir.resolve("missing.json") + " does not exist; pass the path of the exporter "
            + "config JSON with --config");
  }

  /** Cloud Storage's naming rules: 3 to 63 characters, or up to 222 with dots and at most 63 between dots. */
  @ParameterizedTest(name = "[{index}] {0} characters, dotted {1}, a part of {2}: valid {3}")
  @CsvSource({
      "3, false, 3, true", "2, false, 2, false", "63, false, 63, true", "64, false, 64, false",
      "222, true, 63, true", "223, true, 63, false", "127, true, 63, true", "129, true, 64, false"})
  void bucketLengths(int length, boolean dotted, int longestPart, boolean valid) {
    String name = dotted ? bucket(length, longestPart) : "b".repeat(length);
    assertThat(name).hasSize(length);
    List<String> problems = problems(ExporterConfigReaderTest.STORAGE, "acme-amplitude-export", name);
    assertProblems(problems, valid ? null : "storage.bucket must be a Cloud Storage bucket name");
  }

  /** A dotted name of {@code length} characters whose longest dot-separated part has {@code longestPart}. */
  private static String bucket(int length, int longestPart) {
    StringBuilder name = new StringBuilder("b".repeat(longestPart));
    while (name.length() < length) {
      int part = Math.min(longestPart, length - name.length() - 1);
      name.append('.').append("c".repeat(Math.max(part, 1)));
    }
    return name.substring(0, length);
  }
}
