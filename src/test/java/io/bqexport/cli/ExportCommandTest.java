package io.bqexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.exporter.ExporterHarnessAccess;
import io.bqexport.exporter.StorageExporterHarnessAccess;
import io.bqexport.exporter.RunSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExportCommandTest {

  private record Result(int code, String out) {}

  private static Result execute(String... args) {
    StringWriter out = new StringWriter();
    int code = new CommandLine(new BqExportCommand()).setOut(new PrintWriter(out)).execute(args);
    return new Result(code, out.toString());
  }

  @Test
  void helpDocumentsEveryOptionAndTheExitCodes() {
    Result help = execute("export", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--config", "--window", "--mode", "--dry-run", "--now", "FillGaps", "Replace",
        "2 config error", "3 credential error", "5 destination error");
  }

  @Test
  void aMissingConfigIsAConfigErrorWithExitCode2(@TempDir Path dir) {
    Result result = execute("export", "--config", dir.resolve("nope.json").toString());
    assertThat(result.code()).isEqualTo(2);
    RunSummary summary = RunSummary.parse(result.out().strip());
    assertThat(summary.reason()).isEqualTo("ConfigInvalid");
    assertThat(summary.message()).contains("nope.json").doesNotContain("Exception");
  }

  @Test
  void anInvalidWindowIsAConfigError(@TempDir Path dir) throws Exception {
    try (ExporterHarnessAccess h = new ExporterHarnessAccess()) {
      Result result = execute("export", "--config", h.writeConfig().toString(),
          "--window", "2026-11-28T10:30:00Z/2026-11-28T12:00:00Z");
      assertThat(result.code()).isEqualTo(2);
      assertThat(RunSummary.parse(result.out().strip()).message()).contains("--window", "whole hours");
    }
  }

  @Test
  void dryRunPrintsThePlanAndCreatesNothing() throws Exception {
    try (ExporterHarnessAccess h = new ExporterHarnessAccess()) {
      Result result = execute("export", "--config", h.writeConfig().toString(), "--dry-run",
          "--now", "2026-11-28T04:00:00Z");
      assertThat(result.code()).isZero();
      assertThat(result.out()).contains("\"dryRun\":true", "2026-11-28T00:00:00Z/2026-11-28T01:00:00Z",
          "2026-11-28T01:00:00Z/2026-11-28T02:00:00Z").doesNotContain("T02:00:00Z/");
      assertThat(h.tableExists("events")).isFalse();
      assertThat(h.amplitudeRequests()).isZero();
    }
  }

  @Test
  void aRunWritesItsSummaryToTheTerminationMessagePath() throws Exception {
    try (ExporterHarnessAccess h = new ExporterHarnessAccess()) {
      h.events(Instant.parse("2026-11-28T00:00:00Z"), 25);
      Result result = execute("export", "--config", h.writeConfig().toString(), "--now", "2026-11-28T03:00:00Z");
      assertThat(result.code()).as(result.out()).isZero();
      RunSummary summary = RunSummary.parse(Files.readString(h.terminationLog()));
      assertThat(summary.result()).isEqualTo("Succeeded");
      assertThat(summary.rows()).isEqualTo(25);
      assertThat(result.out()).contains(summary.toJson());
    }
  }

  @Test
  void aStorageSourceRunExportsEventsAndMergedIds() throws Exception {
    try (StorageExporterHarnessAccess h = new StorageExporterHarnessAccess()) {
      h.hour(Instant.parse("2026-11-28T01:00:00Z"), 35, 6);
      Result result = execute("export", "--config", h.writeConfig(Instant.parse("2026-11-28T01:00:00Z")).toString(),
          "--now", "2026-11-28T04:00:00Z");
      assertThat(result.code()).as(result.out()).isZero();
      RunSummary summary = RunSummary.parse(result.out().strip());
      assertThat(summary.rows()).isEqualTo(35);
      assertThat(summary.mergeIdRows()).isEqualTo(6);
      assertThat(h.rows("events")).isEqualTo(35);
      assertThat(h.rows("merge_ids")).isEqualTo(6);
    }
  }

  @Test
  void aWrongGoogleKeyIsACredentialErrorWithExitCode3() throws Exception {
    try (ExporterHarnessAccess h = new ExporterHarnessAccess()) {
      Path config = h.writeConfig();
      Files.writeString(h.keyFile(), "{\"type\": \"authorized_user\"}");
      Result result = execute("export", "--config", config.toString(), "--now", "2026-11-28T03:00:00Z");
      assertThat(result.code()).isEqualTo(3);
      assertThat(RunSummary.parse(result.out().strip()).reason()).isEqualTo("BigQueryAuthFailed");
    }
  }
}
