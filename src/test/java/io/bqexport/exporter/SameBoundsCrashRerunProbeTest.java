package io.bqexport.exporter;

import static io.bqexport.exporter.ExporterHarness.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.ExportWindow;
import io.bqexport.bigquery.CommitStep;
import io.bqexport.testing.amplitude.AmplitudeEventGenerator;
import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attack probe on suite-trim: ExactlyOnceMatrixTest no longer reruns a crashed window in 2-hour chunks, citing
 * CommitCrashRecoveryTest for "a rerun of the same window". That test's same-window FillGaps rerun is a one-hour
 * recurring window; a multi-hour explicit (backfill) FillGaps window rerun with the same bounds was proven only by the
 * dropped cells. This restores that case alone, without the matrix's further chunks.
 */
class SameBoundsCrashRerunProbeTest {

  private static final Instant NOW = hour(40);
  private static final ExportWindow HOURS_0_2 = new ExportWindow(hour(0), hour(2));
  private final GeneratedEvents events = new GeneratedEvents(new AmplitudeEventGenerator(11, 187520));
  private ExporterHarness h;

  @BeforeEach
  void start() {
    h = new ExporterHarness(events);
    h.startFrom = hour(0);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @ParameterizedTest(name = "crash at {0}, rerun [0,2) FillGaps")
  @EnumSource(CommitStep.class)
  void aCrashedTwoHourBackfillWindowRerunWithTheSameBoundsCommitsEveryEventOnce(CommitStep step) {
    events.hours(hour(0), hour(2), step == CommitStep.MID_UPLOAD ? 150 : 7); // MID_UPLOAD needs > 256 KiB
    h.runCrashingAt(step, NOW, HOURS_0_2, ExportMode.FillGaps);

    RunSummary rerun = h.run(NOW, HOURS_0_2, ExportMode.FillGaps);

    assertThat(rerun.result()).as(rerun.toJson()).isEqualTo("Succeeded");
    ExactlyOnce.assertHolds(h, ExporterHarness.DATASET, ExactlyOnce.sourceId("product-events"), events,
        HOURS_0_2.hourList());
  }
}
