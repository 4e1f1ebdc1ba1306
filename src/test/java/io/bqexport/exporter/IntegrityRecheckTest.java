package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static io.bqexport.exporter.ExporterHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.TableId;
import io.bqexport.ExportWindow;
import io.bqexport.bigquery.CommitObserver;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import io.bqexport.testing.amplitude.RecordedRequest;
import io.bqexport.testing.amplitude.StandInFault;
import io.bqexport.testing.bigquery.JobSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The integrity re-check (DESIGN 3b) against both stand-ins: hours whose source changed after their first export are
 * replaced exactly, unchanged hours are only recorded as verified, and neither a crash nor a budget breaks the export.
 * recheckAfter is PT2H here (the minimum: availabilityDelay), so an hour is due for its re-check when it is due.
 */
class IntegrityRecheckTest {

  private static final String SOURCE = ExactlyOnce.sourceId("product-events");
  private static final Pattern MUTATION = Pattern.compile("^(?:INSERT INTO|DELETE FROM|MERGE|UPDATE|TRUNCATE TABLE) "
      + "(\\S+)");
  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(11, 187520))
      .eventsPerFile(200);
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(events);
    h.startFrom = hour(0);
    budget(24);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void budget(int hours) {
    h.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", hours);
  }

  /** Exports the due hours without re-checking anything. */
  private RunSummary exportOnly(Instant now) {
    budget(0);
    RunSummary summary = h.run(now);
    budget(24);
    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    return summary;
  }

  private Map<String, Object> ledger(Instant hour) {
    List<Map<String, Object>> rows = h.query("SELECT hour, row_count, source_lines, generation, verified, "
        + "verified_at, source_lines_before_repair FROM `" + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET
        + "._bqexport_ledger`").stream().filter(r -> hour.equals(r.get("hour"))).toList();
    assertThat(rows).as("ledger rows of %s", hour).hasSize(1);
    return rows.get(0);
  }

  private void assertExact(Instant... hours) {
    ExactlyOnce.assertHolds(h, ExporterHarness.DATASET, SOURCE, events, List.of(hours));
  }

  private static String hourParam(Instant hour) {
    return "start=" + hour.toString().substring(0, 13).replace("-", "");
  }

  @Test
  void anHourThatGrowsAfterItsFirstExportIsReplacedExactly() {
    events.hour(hour(0), 300).hour(hour(1), 200);
    h.integrity = new ExporterConfig.Integrity(true, "PT3H", "P7D", 24);
    RunSummary first = h.run(hour(3));
    assertThat(first.verifiedHours()).as("not %s old yet", "PT3H").isZero();
    h.amplitude.appendLateEvents(hour(0), 50);
    h.amplitude.clearRequests();

    RunSummary second = h.run(hour(4));

    assertThat(second.result()).as(second.toJson()).isEqualTo("Succeeded");
    assertThat(second.committed()).containsExactly(hour(1) + "/" + hour(2));
    assertThat(second.repaired()).containsExactly(new RunSummary.Repaired(hour(0).toString(), 300, 350,
        hour(4).toString()));
    assertThat(second.verifiedHours()).isEqualTo(1);
    assertThat(second.verifiedThrough()).isEqualTo(hour(1).toString());
    assertThat(second.message()).contains("integrity re-check: verified 1 hour(s), repaired 1");
    assertExact(hour(0), hour(1));
    Map<String, Object> row = ledger(hour(0));
    assertThat(number(row.get("generation"))).isEqualTo(2);
    assertThat(number(row.get("row_count"))).isEqualTo(350);
    assertThat(number(row.get("source_lines"))).isEqualTo(350);
    assertThat(number(row.get("source_lines_before_repair"))).isEqualTo(300);
    assertThat(row.get("verified")).isEqualTo(true);
    assertThat(row.get("verified_at")).isEqualTo(hour(4));
    assertThat(ledger(hour(1)).get("verified_at")).as("not PT3H old yet").isNull();
    assertThat(h.amplitude.exportRequests().get(0).query()).as("the due hour is exported first")
        .contains(hourParam(hour(1)));
  }

  @Test
  void anUnchangedHourIsVerifiedWithoutAnyWriteToTheEventsTable() {
    events.hour(hour(0), 300);
    exportOnly(hour(3));
    int jobsBefore = h.bigquery.jobs().size();
    List<String> statements = new CopyOnWriteArrayList<>();
    h.bigquery.faults().onStatement(".", statements::add);

    RunSummary summary = h.run(hour(3));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.hours()).isZero();
    assertThat(summary.verifiedHours()).isEqualTo(1);
    assertThat(summary.repaired()).isEmpty();
    assertThat(summary.verifiedThrough()).isEqualTo(hour(1).toString());
    List<JobSummary> jobs = h.bigquery.jobs().subList(jobsBefore, h.bigquery.jobs().size());
    assertThat(jobs).extracting(JobSummary::type).doesNotContain("LOAD");
    assertThat(mutatedTables(statements)).as(String.join("\n", statements))
        .containsExactly("acme-analytics.amplitude._bqexport_ledger");
    assertExact(hour(0));
    Map<String, Object> row = ledger(hour(0));
    assertThat(number(row.get("generation"))).isEqualTo(1);
    assertThat(number(row.get("source_lines"))).isEqualTo(300);
    assertThat(row.get("verified")).isEqualTo(true);
    assertThat(row.get("verified_at")).isEqualTo(hour(3));
    assertThat(row.get("source_lines_before_repair")).isNull();

    RunSummary again = h.run(hour(3));
    assertThat(again.verifiedHours()).as("verified once").isZero();
  }

  private static List<String> mutatedTables(List<String> statements) {
    return statements.stream().map(MUTATION::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
  }

  @Test
  void skippedBadLinesCountAsSourceLinesSoTheHourIsVerifiedNotReplaced() {
    LinesSource lines = new LinesSource();
    String event = "{\"uuid\":\"u%d\",\"$insert_id\":\"i%d\",\"event_type\":\"Play\",\"event_time\":"
        + "\"2026-11-28 00:20:00.000000\",\"server_upload_time\":\"2026-11-28 00:30:00.000000\"}";
    lines.hour(hour(0), List.of(String.format(event, 1, 1), "not json", String.format(event, 2, 2), "[1]",
        String.format(event, 3, 3)));
    try (ExporterHarness other = new ExporterHarness(lines)) {
      other.startFrom = hour(0);
      other.maxBadRecords = 5;
      other.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 0);
      other.run(hour(3));
      other.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 24);

      RunSummary summary = other.run(hour(3));

      assertThat(summary.verifiedHours()).isEqualTo(1);
      assertThat(summary.repaired()).as("5 source lines then, 5 now, though only 3 rows").isEmpty();
      assertThat(other.rows()).isEqualTo(3);
      assertThat(other.query("SELECT row_count, source_lines, generation, verified FROM `acme-analytics.amplitude"
          + "._bqexport_ledger`")).singleElement().satisfies(row -> {
            assertThat(number(row.get("row_count"))).isEqualTo(3);
            assertThat(number(row.get("source_lines"))).isEqualTo(5);
            assertThat(number(row.get("generation"))).isEqualTo(1);
            assertThat(row.get("verified")).isEqualTo(true);
          });
    }
  }

  @Test
  void a404ThatLaterHasDataIsRepaired() {
    events.hour(hour(0), 120);
    h.amplitude.notFoundFirst(hour(0), 1);
    exportOnly(hour(3));
    assertThat(ledger(hour(0)).get("verified")).as("committed empty on a 404").isEqualTo(false);
    assertThat(h.rows()).isZero();

    RunSummary summary = h.run(hour(3));

    assertThat(summary.repaired()).containsExactly(new RunSummary.Repaired(hour(0).toString(), 0, 120,
        hour(3).toString()));
    assertExact(hour(0));
    Map<String, Object> row = ledger(hour(0));
    assertThat(number(row.get("generation"))).isEqualTo(2);
    assertThat(row.get("verified")).isEqualTo(true);
    assertThat(number(row.get("source_lines_before_repair"))).isZero();
  }

  @Test
  void a404ThatStaysEmptyIsVerified() {
    exportOnly(hour(3));

    RunSummary summary = h.run(hour(3));

    assertThat(summary.verifiedHours()).isEqualTo(1);
    assertThat(summary.repaired()).isEmpty();
    assertThat(ledger(hour(0)).get("verified")).isEqualTo(true);
    assertThat(number(ledger(hour(0)).get("generation"))).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(CommitStep.class)
  void aCrashInTheMiddleOfARepairThenARerunIsExact(CommitStep step) {
    events.hour(hour(0), 300);
    exportOnly(hour(3));
    h.amplitude.appendLateEvents(hour(0), 40);

    h.runCrashingAt(step, hour(3), null, ExportMode.FillGaps);

    boolean committed = step == CommitStep.AFTER_TRANSACTION;
    assertThat(h.rows()).isEqualTo(committed ? 340 : 300);
    assertThat(h.distinctUuids()).isEqualTo(h.rows());
    assertThat(number(ledger(hour(0)).get("generation"))).isEqualTo(committed ? 2 : 1);

    RunSummary rerun = h.run(hour(3));

    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    assertThat(rerun.repaired()).hasSize(committed ? 0 : 1);
    assertExact(hour(0));
    Map<String, Object> row = ledger(hour(0));
    assertThat(number(row.get("generation"))).isEqualTo(2);
    assertThat(number(row.get("source_lines"))).isEqualTo(340);
    assertThat(number(row.get("source_lines_before_repair"))).isEqualTo(300);
    assertThat(row.get("verified_at")).isEqualTo(hour(3));
    assertThat(rerun.verifiedThrough()).isEqualTo(hour(1).toString());
  }

  @Test
  void aRepairTransactionThatFailsAfterItsDeleteRollsBackAndTheRerunRepairs() {
    events.hour(hour(0), 300);
    exportOnly(hour(3));
    h.amplitude.appendLateEvents(hour(0), 25);

    h.run(hour(3), null, ExportMode.FillGaps, (step, window) -> {
      if (step == CommitStep.BEFORE_TRANSACTION) {
        // The transaction's INSERT ... SELECT FROM staging fails after its DELETE ran.
        h.stagingTables().forEach(t -> h.client().delete(TableId.of(ExporterHarness.PROJECT,
            ExporterHarness.DATASET, t)));
      }
    });

    assertThat(h.rows()).isEqualTo(300);
    assertThat(number(ledger(hour(0)).get("generation"))).isEqualTo(1);
    assertThat(ledger(hour(0)).get("verified_at")).isNull();

    RunSummary rerun = h.run(hour(3));

    assertThat(rerun.repaired()).extracting(RunSummary.Repaired::after).containsExactly(325L);
    assertExact(hour(0));
    assertThat(number(ledger(hour(0)).get("generation"))).isEqualTo(2);
  }

  @Test
  void twoRunsRepairingTheSameHourAtOnceLeaveItExact() throws Exception {
    events.hour(hour(0), 300);
    exportOnly(hour(3));
    h.amplitude.appendLateEvents(hour(0), 60);
    CyclicBarrier bothLoading = new CyclicBarrier(2);
    Runnable pod = () -> h.run(hour(3), null, ExportMode.FillGaps, (step, window) -> {
      if (step == CommitStep.BEFORE_LOAD) {
        await(bothLoading);
      }
    });

    CompletableFuture<Void> a = CompletableFuture.runAsync(pod);
    CompletableFuture<Void> b = CompletableFuture.runAsync(pod);
    a.get(3, TimeUnit.MINUTES);
    b.get(3, TimeUnit.MINUTES);

    assertExact(hour(0));
    assertThat(number(ledger(hour(0)).get("generation"))).as("each Replace took the commit lock in turn")
        .isEqualTo(3);
    assertThat(ledger(hour(0)).get("verified")).isEqualTo(true);
  }

  @Test
  void aRepairRacingABackfillReplaceOfTheSameHourLeavesItExact() throws Exception {
    events.hour(hour(0), 300);
    exportOnly(hour(3));
    h.amplitude.appendLateEvents(hour(0), 60);
    CyclicBarrier bothLoading = new CyclicBarrier(2);
    CommitObserver meet = (step, window) -> {
      if (step == CommitStep.BEFORE_LOAD) {
        await(bothLoading);
      }
    };

    CompletableFuture<RunSummary> recurring = CompletableFuture.supplyAsync(() ->
        h.run(hour(3), null, ExportMode.FillGaps, meet));
    CompletableFuture<RunSummary> backfill = CompletableFuture.supplyAsync(() ->
        h.run(hour(3), new ExportWindow(hour(0), hour(1)), ExportMode.Replace, meet));

    assertThat(recurring.get(3, TimeUnit.MINUTES).result()).isEqualTo("Succeeded");
    assertThat(backfill.get(3, TimeUnit.MINUTES).result()).isEqualTo("Succeeded");
    assertExact(hour(0));
    assertThat(number(ledger(hour(0)).get("generation"))).as("the two Replaces took the commit lock in turn")
        .isEqualTo(3);
  }

  @Test
  void verificationNeverDelaysDueHoursAndStaysWithinItsBudget() {
    events.hours(hour(0), hour(10), 20);
    exportOnly(hour(8));           // hours 0..5, none verified
    h.amplitude.clearRequests();
    budget(2);

    RunSummary summary = h.run(hour(12));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.committed()).containsExactly(hour(6) + "/" + hour(10));
    assertThat(summary.verifiedHours()).isEqualTo(2);
    assertThat(summary.verifiedThrough()).isEqualTo(hour(2).toString());
    List<String> requested = h.amplitude.exportRequests().stream().map(RecordedRequest::query).toList();
    assertThat(requested).hasSize(6);
    assertThat(requested.subList(0, 4)).as("the due hours first").allMatch(q -> q.contains(hourParam(hour(6)))
        || q.contains(hourParam(hour(7))) || q.contains(hourParam(hour(8))) || q.contains(hourParam(hour(9))));
    assertThat(requested.subList(4, 6)).as("then the oldest unverified hours")
        .satisfiesExactly(q -> assertThat(q).contains(hourParam(hour(0))),
            q -> assertThat(q).contains(hourParam(hour(1))));
    assertThat(h.query("SELECT hour FROM `acme-analytics.amplitude._bqexport_ledger` WHERE verified_at IS NOT NULL"
        + " ORDER BY hour")).extracting(r -> r.get("hour")).containsExactly(hour(0), hour(1));

    RunSummary next = h.run(hour(12));

    assertThat(next.hours()).isZero();
    assertThat(next.verifiedHours()).isEqualTo(2);
    assertThat(next.verifiedThrough()).isEqualTo(hour(4).toString());
    assertExact(hour(0), hour(1), hour(2), hour(3), hour(9));
  }

  @Test
  void hoursThatNeverVerifyDoNotStarveTheOthersOfTheBudget() {
    events.hours(hour(0), hour(6), 20);
    exportOnly(hour(8));           // hours 0..5, none verified
    h.amplitude.faults().forHour(hour(0), StandInFault.status(404)).forHour(hour(1), StandInFault.status(404));
    budget(2);

    RunSummary first = h.run(hour(8));
    RunSummary second = h.run(hour(8));
    RunSummary third = h.run(hour(8));

    assertThat(first.verifiedHours()).as("0 and 1 answer 404 but have rows: left unverified").isZero();
    assertThat(second.verifiedHours() + third.verifiedHours()).as("the budget goes to hours not tried yet")
        .isEqualTo(4);
    assertThat(h.query("SELECT hour FROM `acme-analytics.amplitude._bqexport_ledger` WHERE verified_at IS NOT NULL"
        + " ORDER BY hour")).extracting(r -> r.get("hour")).containsExactly(hour(2), hour(3), hour(4), hour(5));
    assertThat(third.verifiedThrough()).as("hour 0 is still unverified").isNull();

    h.amplitude.faults().clear();
    RunSummary healed = h.run(hour(8));
    assertThat(healed.verifiedHours()).as("the stuck hours are tried again").isEqualTo(2);
    assertThat(healed.verifiedThrough()).isEqualTo(hour(6).toString());
    assertExact(hour(0), hour(1), hour(2), hour(3), hour(4), hour(5));
  }

  @Test
  void aBudgetOfZeroVerifiesNothingAndDisabledReportsNothing() {
    events.hour(hour(0), 10);
    RunSummary none = exportOnly(hour(3));
    assertThat(none.verifiedHours()).isZero();
    assertThat(none.verifiedThrough()).as("nothing verified yet").isNull();

    h.integrity = new ExporterConfig.Integrity(false, null, null, null);
    RunSummary disabled = h.run(hour(3));
    assertThat(disabled.verifiedHours()).isZero();
    assertThat(disabled.verifiedThrough()).isNull();
    assertThat(ledger(hour(0)).get("verified_at")).isNull();
  }

  @Test
  void aWindowRunDoesNotVerify() {
    events.hour(hour(0), 10);
    exportOnly(hour(3));

    RunSummary backfill = h.run(hour(3), new ExportWindow(hour(0), hour(1)), ExportMode.FillGaps);

    assertThat(backfill.verifiedHours()).isZero();
    assertThat(ledger(hour(0)).get("verified_at")).isNull();
  }

  @Test
  void aLedgerOfTheEarlierSchemaIsUpgradedInPlaceAndItsHoursVerifiedByRowCount() {
    events.hour(hour(0), 300).hour(hour(1), 100);
    exportOnly(hour(4));
    String ledger = "`" + ExporterHarness.PROJECT + "." + ExporterHarness.DATASET + "._bqexport_ledger`";
    // The ledger as the previous release wrote it: no source_lines, verified_at, source_lines_before_repair, filter.
    h.query("CREATE OR REPLACE TABLE " + ledger + " AS SELECT table_name, hour, window_start, window_end, row_count,"
        + " byte_count, source_files, job_id, generation, committed_at, exporter_version, min_event_time,"
        + " max_event_time, source, verified FROM " + ledger);
    assertThat(ledgerColumns()).doesNotContain("source_lines", "verified_at", "source_lines_before_repair", "filter");

    RunSummary summary = h.run(hour(4));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(ledgerColumns()).endsWith("verified", "source_lines", "verified_at", "source_lines_before_repair",
        "filter", "recheck_failed_at");
    assertThat(summary.hours()).as("no hour is taken for missing").isZero();
    assertThat(summary.verifiedHours()).isEqualTo(2);
    assertThat(summary.repaired()).isEmpty();
    assertExact(hour(0), hour(1));
    assertThat(number(ledger(hour(0)).get("source_lines"))).isEqualTo(300);
    assertThat(number(ledger(hour(1)).get("source_lines"))).isEqualTo(100);
    assertThat(number(ledger(hour(1)).get("generation"))).isEqualTo(1);
    assertThat(ledger(hour(1)).get("verified_at")).isEqualTo(hour(4));
  }

  /**
   * An hour with rows that Amplitude now answers 404 for is read once and left as it is: not read again by the run's
   * retry round (the Export API is rate limited), and no load job (BigQuery limits them per table and day).
   */
  @Test
  void anHourWithRowsNowAnswering404IsReadOnceAndLoadsNothing() {
    events.hour(hour(0), 20);
    exportOnly(hour(3));
    h.amplitude.faults().forHour(hour(0), StandInFault.status(404));
    h.amplitude.clearRequests();
    int jobsBefore = h.bigquery.jobs().size();

    RunSummary summary = h.run(hour(3));

    assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
    assertThat(summary.verifiedHours()).isZero();
    assertThat(h.amplitude.exportRequests()).extracting(RecordedRequest::query)
        .filteredOn(q -> q.contains(hourParam(hour(0)))).hasSize(1);
    assertThat(h.bigquery.jobs().subList(jobsBefore, h.bigquery.jobs().size())).extracting(JobSummary::type)
        .doesNotContain("LOAD");
    assertThat(ledger(hour(0)).get("verified")).isNotEqualTo(true);
    assertThat(number(ledger(hour(0)).get("generation"))).isEqualTo(1);
    assertThat(h.rows()).isEqualTo(20);
  }

  /**
   * The source changes again between the re-check's count and the repair's read: the count says 360 lines, the read
   * gets a 404. A Replace never shrinks an hour on a 404, so the repair replaces nothing; the hour keeps its rows and
   * stays unverified (the run goes on), and the next run repairs it once the source answers.
   */
  @Test
  void aRepairWhoseReReadAnswers404KeepsTheHourUnverifiedAndTheNextRunRepairsIt() {
    events.hour(hour(0), 300);
    exportOnly(hour(3));
    h.amplitude.appendLateEvents(hour(0), 60);

    RunSummary raced = h.run(hour(3), null, ExportMode.FillGaps, (step, window) -> {
      if (step == CommitStep.BEFORE_LOAD) {
        h.amplitude.faults().forHour(hour(0), StandInFault.status(404));
      }
    });

    assertThat(raced.result()).as(raced.toJson()).isEqualTo("Succeeded");
    assertThat(raced.repaired()).isEmpty();
    assertThat(raced.verifiedHours()).isZero();
    assertThat(h.rows()).as("the hour keeps its 300 rows").isEqualTo(300);
    assertThat(number(ledger(hour(0)).get("generation"))).isEqualTo(1);
    assertThat(ledger(hour(0)).get("verified")).isNotEqualTo(true);

    h.amplitude.faults().clear();
    RunSummary next = h.run(hour(3));

    assertThat(next.repaired()).containsExactly(new RunSummary.Repaired(hour(0).toString(), 300, 360,
        hour(3).toString()));
    assertExact(hour(0));
    assertThat(number(ledger(hour(0)).get("generation"))).isEqualTo(2);
  }

  private static List<String> playEvents(int hour, int count) {
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> String.format("{\"uuid\":\"u%d-%d\","
        + "\"$insert_id\":\"i%d-%d\",\"event_type\":\"Play\",\"event_time\":\"2026-11-28 %02d:20:00.000000\","
        + "\"server_upload_time\":\"2026-11-28 %02d:30:00.000000\"}", hour, i, hour, i, hour, hour)).toList();
  }

  private static List<String> plus(List<String> lines, String... more) {
    List<String> all = new java.util.ArrayList<>(lines);
    all.addAll(List.of(more));
    return all;
  }

  /**
   * A repair records the source lines it committed, the bad line it skipped included (its rows are fewer); an hour
   * whose re-read now has more bad lines than maxBadRecords stays unverified, and the pass goes on to the next hour.
   */
  @Test
  void aRepairRecordsItsSourceLinesAndAnHourWithTooManyBadLinesDoesNotStopThePass() {
    LinesSource lines = new LinesSource();
    for (int hour = 0; hour < 3; hour++) {
      lines.hour(hour(hour), playEvents(hour, 3));
    }
    try (ExporterHarness other = new ExporterHarness(lines)) {
      other.startFrom = hour(0);
      other.maxBadRecords = 1;
      other.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 0);
      assertThat(other.run(hour(5)).hours()).isEqualTo(3);
      lines.hour(hour(0), plus(playEvents(0, 4), "not json"));
      lines.hour(hour(1), plus(playEvents(1, 3), "not json", "[1]"));
      other.integrity = new ExporterConfig.Integrity(true, "PT2H", "P7D", 24);

      RunSummary summary = other.run(hour(5));

      assertThat(summary.result()).as(summary.toJson()).isEqualTo("Succeeded");
      assertThat(summary.repaired()).as("5 source lines, 4 rows")
          .containsExactly(new RunSummary.Repaired(hour(0).toString(), 3, 5, hour(5).toString()));
      assertThat(summary.verifiedHours()).as("hour 0 repaired, hour 2 unchanged; hour 1 left").isEqualTo(2);
      assertThat(other.query("SELECT hour, row_count, source_lines, generation, verified FROM `acme-analytics"
          + ".amplitude._bqexport_ledger` ORDER BY hour")).satisfiesExactly(
              h0 -> assertThat(List.of(number(h0.get("row_count")), number(h0.get("source_lines")),
                  number(h0.get("generation")), h0.get("verified"))).containsExactly(4L, 5L, 2L, true),
              h1 -> {
                assertThat(List.of(number(h1.get("row_count")), number(h1.get("generation")))).containsExactly(3L, 1L);
                assertThat(h1.get("verified")).isNotEqualTo(true);
              },
              h2 -> assertThat(h2.get("verified")).isEqualTo(true));
      assertThat(other.rows()).isEqualTo(10);
    }
  }

  private List<String> ledgerColumns() {
    return h.client().getTable(TableId.of(ExporterHarness.PROJECT, ExporterHarness.DATASET, "_bqexport_ledger"))
        .getDefinition().getSchema().getFields().stream().map(f -> f.getName()).toList();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
