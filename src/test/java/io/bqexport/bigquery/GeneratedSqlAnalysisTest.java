package io.bqexport.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.TableId;
import io.bqexport.ExportWindow;
import io.bqexport.testing.bigquery.BigQueryEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every SQL statement the main code generates goes through BigQuery's own analyzer (the emulator runs Google's
 * GoogleSQL front end before anything else) and none is rejected. To cover a new statement, drive the main code
 * path that generates it here; the emulator records every rejection.
 */
class GeneratedSqlAnalysisTest {
  private static final String PROJECT = "acme-analytics";
  private static final Instant H0 = Instant.parse("2026-11-28T00:00:00Z");
  private final Clock clock = Clock.fixed(H0.plus(Duration.ofHours(12)), ZoneOffset.UTC);
  private BigQueryEmulator emulator;
  private BigQuery bigquery;

  @BeforeEach
  void start() {
    emulator = BigQueryEmulator.start(clock);
    emulator.createDataset(PROJECT, "amplitude");
    bigquery = emulator.client(PROJECT);
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void tablesCommitsRerunsReplacesLedgerAndQuarantineAllPassTheAnalyzer() {
    DatasetId dataset = DatasetId.of(PROJECT, "amplitude");
    JobLabels labels = new JobLabels("analytics", "product-events");
    String source = "amplitude:analytics/product-events";
    TableManager tables = new TableManager(bigquery, dataset);
    tables.ensureTables("events", labels);
    Committer committer = new Committer(bigquery, TableId.of(PROJECT, "amplitude", "events"), source, labels,
        "test", CommitObserver.NONE, clock);
    ExportWindow window = new ExportWindow(H0, H0.plus(Duration.ofHours(2)));

    committer.commit(window, rows(window, 3), false);  // recurring run / FillGaps: lock, insert missing, ledger
    committer.commit(window, rows(window, 3), false);  // rerun: every hour is committed already
    committer.commit(window, rows(window, 2), true);   // Replace: delete this source's hours, insert, upsert ledger
    Ledger ledger = new Ledger(bigquery, dataset, labels);
    assertThat(ledger.committedHours("events", source, H0)).hasSize(2);
    assertThat(ledger.firstHour("events", source)).isEqualTo(H0);

    // The integrity re-check: read the ledger's hours, record a verification, repair an hour (Replace + counts).
    assertThat(ledger.hoursFrom("events", source, H0)).extracting(LedgerHour::generation).containsOnly(2L);
    ExportWindow second = ExportWindow.ofHour(H0.plus(Duration.ofHours(1)));
    ledger.recordRecheckFailed("events", source, second.start(), 2, H0.plus(Duration.ofHours(2)));
    assertThat(ledger.hoursFrom("events", source, H0)).extracting(LedgerHour::recheckFailedAt)
        .containsExactly(null, H0.plus(Duration.ofHours(2)));
    ledger.recordVerified("events", source, H0, 2, 2, H0.plus(Duration.ofHours(3)));
    committer.commit(second, rows(second, 4), true, new Committer.Repair(H0.plus(Duration.ofHours(3)), 2));
    assertThat(ledger.hoursFrom("events", source, H0)).extracting(LedgerHour::verified).containsOnly(true);
    assertThat(ledger.hoursFrom("events", source, H0)).extracting(LedgerHour::recheckFailedAt)
        .as("a repair is a new generation, not tried yet").containsOnlyNulls();

    Quarantine quarantine = new Quarantine(bigquery, dataset, labels);
    Instant later = H0.plus(Duration.ofHours(5));
    for (int run = 0; run < 3; run++) {   // the third failure of the same kind quarantines the hour
      quarantine.recordFailure("events", source, java.util.List.of(later), "LoadRejected", "rejected", H0);
    }
    assertThat(quarantine.hours("events", source)).extracting(QuarantinedHour::hour).containsExactly(later);
    assertThat(quarantine.failing("events", source)).containsExactly(later);
    quarantine.clear("events", source, later, later.plus(Duration.ofHours(1)));
    assertThat(quarantine.failing("events", source)).isEmpty();

    assertThat(emulator.rejectedSql()).isEmpty();
    // DDL of the tables and the table function, three commit transactions, ledger and quarantine reads and writes.
    assertThat(emulator.acceptedSqlCount()).isGreaterThanOrEqualTo(10);
    assertThat(emulator.rowCount(PROJECT, "amplitude", "events")).isEqualTo(6);
    // The repair's rows are numbered u0..u3 again: two of them share a uuid with hour 0's rows.
    assertThat(emulator.query(PROJECT, "SELECT COUNT(*) AS n FROM `acme-analytics.amplitude.deduplicated_events`"
        + "(DATE '2026-11-28', DATE '2026-11-28')").get(0).get("n")).isEqualTo(4L);
  }

  /** Amplitude export lines through the real mapper: one event per hour of the window, {@code perHour} per hour. */
  private static RowWriter rows(ExportWindow window, int perHour) {
    return out -> {
      EventMapper mapper = new EventMapper();
      WindowStats stats = new WindowStats();
      int n = 0;
      for (Instant hour : window.hourList()) {
        for (int i = 0; i < perHour; i++, n++) {
          String time = hour.plus(Duration.ofMinutes(10 + i)).toString().replace("T", " ").replace("Z", ".000000");
          String line = "{\"uuid\":\"u" + n + "\",\"event_type\":\"open\",\"event_time\":\"" + time + "\","
              + "\"server_upload_time\":\"" + time + "\",\"$insert_id\":\"i" + n + "\",\"user_id\":\"user" + i
              + "\",\"groups\":{\"company\":[\"acme\"]},\"event_properties\":{\"plan\":\"pro\"}}";
          try {
            MappedEvent event = mapper.map(line, window);
            out.write(event.row());
            out.write('\n');
            stats.add(event, event.row().length + 1, "file-" + hour);
          } catch (MalformedEventException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return stats;
    };
  }
}
