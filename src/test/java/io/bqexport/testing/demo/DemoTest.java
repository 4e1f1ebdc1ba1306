package io.bqexport.testing.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.ExportArchiveWriter;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `make demo` as a smoke test of the whole system, including its options and their errors. */
class DemoTest {

  @Test
  void demoExportsEveryHourExactlyOnceAndTurnsReady() {
    Result r = run("--hours", "3", "--query", "SELECT COUNT(*) AS n, COUNT(DISTINCT uuid) AS distinct_uuids"
        + " FROM amplitude.events");
    assertThat(r.code).as(r.out).isZero();
    assertThat(r.out).contains("$ kubectl get bqx", "READY", "EXPORTED-THROUGH", "LAST-RESULT", "product-events",
        "Validated", "Succeeded", "Ready", "bq> SELECT COUNT(*)", "n\tdistinct_uuids",
        "1540\t1540"); // 3 x 300 exported, 12 x 50 backfilled, 40 late events repaired in: each row once
    assertThat(r.out).containsPattern("product-events\\s+True\\s+2h\\s+Succeeded\\s+\\S+\\s+\\S+\\n"); // AGE last
    assertThat(r.out).contains("$ kubectl get bqbf", "product-events-history")
        .containsPattern("product-events-history\\s+product-events\\s+Succeeded\\s+100%\\s+600\\s+\\S+\\n");
    assertThat(r.out).containsPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:00:00Z\\t300\\t1\\t"); // a ledger row
    assertThat(r.out).as("the integrity re-check repairs the hour that got late events").contains(
        "== Integrity re-check", "VERIFIED-THROUGH", "Integrity:", "Hours Repaired:    1", "HourRepaired",
        "had 300 events at Amplitude when it was committed, 340 now (+40)")
        .containsPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:00:00Z\\t340\\t2\\t"); // its ledger row: generation 2
  }

  @Test
  void transferServiceDeliveryShowsTheConfigsTheirRunsAndTheRows() {
    Result r = run("--source", "storage", "--delivery", "TransferService", "--hours", "2");
    assertThat(r.code).as(r.out).isZero();
    assertThat(r.out).contains("$ bq ls --transfer_config", "\"bqexport analytics/product-events-gcs events\"",
        "every 1 hours from 00:05 to 23:05", "destination amplitude.merge_ids_raw", "Transfer:",
        "TransferConfigCreated", "events\tdistinct_uuids\n600\t600", "merged_ids\tfirst_merge\n40\t")
        .containsPattern("product-events-gcs\\s+True\\s+2h\\s+Succeeded")
        .containsPattern("events/\\w+\\s+Succeeded\\s+1\\s+");
  }

  @Test
  void transferServiceDeliveryNeedsTheStorageSource() {
    Result r = run("--delivery", "TransferService");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.out).contains("--delivery TransferService needs --source storage");
    assertThat(run("--delivery", "Cron").out).contains("--delivery must be Direct or TransferService, got 'Cron'");
  }

  @Test
  void dataDirectoryIsExportedAndCountedExactly(@TempDir Path dir) throws Exception {
    Instant first = Instant.parse("2026-11-20T10:00:00Z");
    GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(3, 4242))
        .hours(first, first.plusSeconds(2 * 3600), 37);
    ExportArchiveWriter.writeLayout(events, first, first.plusSeconds(2 * 3600), dir);
    Result r = run("--data", dir.toString(), "--query", "SELECT COUNT(*) AS n FROM amplitude.events");
    assertThat(r.code).as(r.out).isZero();
    assertThat(r.out).contains("n\n74\n");
  }

  @Test
  void storageSourceExportsEventsAndMergedIdsAndShowsAMergedUser() {
    Result r = run("--source", "storage", "--hours", "2");
    assertThat(r.code).as(r.out).isZero();
    assertThat(r.out).contains("product-events-gcs", "Validated", "gs://amplitude-demo/187000/",
        "merged_ids\n40\n", "user_id\tamplitude_ids\tevents");
    // The sample's filter took out the '[Amplitude] ' events: fewer than generated, none of them left.
    java.util.regex.Matcher events = java.util.regex.Pattern.compile("events\texcluded\n(\\d+)\t0\n").matcher(r.out);
    assertThat(events.find()).as(r.out).isTrue();
    assertThat(Integer.parseInt(events.group(1))).isBetween(1, 599);
    assertThat(r.out).containsPattern("events\t2\t" + events.group(1) + "\n"); // the ledger agrees
    assertThat(r.out).as("a user whose events carry two merged amplitude_ids").containsPattern("\\n\\d+\\t2\\t\\d+\\n");
    assertThat(r.out).containsPattern("merge_ids\t2\t40\n")
        .containsPattern("Succeeded, 1 hour\\(s\\), \\d+ row\\(s\\), \\d+ filtered, 20 merged-ID row\\(s\\)");
  }

  @Test
  void storageDataDirectoryIsServedAsABucket(@TempDir Path dir) throws Exception {
    Instant first = Instant.parse("2026-11-20T10:00:00Z");
    GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(3, 4242))
        .hours(first, first.plusSeconds(2 * 3600), 37);
    for (Instant hour : java.util.List.of(first, first.plusSeconds(3600))) {
      Files.createDirectories(dir.resolve("4242"));
      for (var file : events.files(hour)) {
        try (var out = Files.newOutputStream(dir.resolve("4242").resolve(file.name()))) {
          file.writeGzip(out);
        }
      }
    }
    Files.createDirectories(dir.resolve("-77"));
    Files.write(dir.resolve("-77/-77_2026-11-20_10.json.gz"), io.bqexport.testing.storage.AmplitudeStorageExport
        .gzip(java.util.List.of("{\"scope\":-77,\"merge_time\":1795168800000,\"merge_server_time\":1795168860000,"
            + "\"amplitude_id\":2,\"merged_amplitude_id\":1}")));

    Result r = run("--source", "storage", "--data", dir.toString());
    assertThat(r.code).as(r.out).isZero();
    assertThat(r.out).contains("under -77/", "merged_ids\n1\n").containsPattern("events\texcluded\n\\d+\t0\n")
        .containsPattern("merge_ids\t2\t1\n");
  }

  @Test
  void badInputsExitNonZeroWithAClearMessage(@TempDir Path dir) throws Exception {
    Result missing = run("--data", dir.resolve("nope").toString());
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.out).contains("is not a directory");
    Files.createDirectories(dir.resolve("empty"));
    Result empty = run("--data", dir.resolve("empty").toString());
    assertThat(empty.code).isEqualTo(2);
    assertThat(empty.out).contains("holds no Amplitude export files");
    Result noEvents = run("--source", "storage", "--data", dir.resolve("empty").toString());
    assertThat(noEvents.code).isEqualTo(2);
    assertThat(noEvents.out).contains("holds no Amplitude events files");
    Result badSource = run("--source", "s3");
    assertThat(badSource.code).isEqualTo(2);
    assertThat(badSource.out).contains("--source must be amplitude or storage");
    Result badSql = run("--hours", "1", "--query", "SELEKT nonsense");
    assertThat(badSql.code).isEqualTo(1);
    assertThat(badSql.out).contains("demo: the query failed");
  }

  private record Result(int code, String out) {}

  private static Result run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), args);
    return new Result(code, bytes.toString(StandardCharsets.UTF_8));
  }
}
