package io.bqexport.testing.demo;

import io.bqexport.api.v1alpha1.IntegrityStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.testing.Crds;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.KubectlView;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The integrity re-check in the demo: Amplitude receives late events for an hour the export already committed; once
 * the hour is spec.integrity.recheckAfter old, a scheduled run counts it again at the source and replaces it.
 */
final class IntegrityDemo {
  static final int LATE_EVENTS = 40;
  /** Runs re-check the oldest unverified hours first, at most spec.integrity.maxHoursPerRun each. */
  private static final int MAX_RUNS = 5;

  private final PrintStream out;

  IntegrityDemo(PrintStream out) {
    this.out = out;
  }

  /** @param hour an hour the export committed and has not re-checked yet */
  void run(ExportScenario scenario, String export, Instant hour, long committedRows) {
    out.println();
    out.println("== Integrity re-check: Amplitude receives " + LATE_EVENTS + " late events for hour " + hour
        + ", which the export committed with " + committedRows + " rows");
    scenario.amplitude.appendLateEvents(hour, LATE_EVENTS);
    Duration recheckAfter = SpecDurations.parseWithDays("spec.integrity.recheckAfter",
        scenario.get(export).getSpec().integrity().recheckAfter());
    Instant now = later(scenario.clock.instant().plus(Duration.ofHours(1)),
        hour.plus(Duration.ofHours(1)).plus(recheckAfter).plus(Duration.ofMinutes(5)));
    out.println("-- the clock moves on past spec.integrity.recheckAfter (" + recheckAfter.toHours()
        + "h after the hour ends); the demo skips the hourly runs in between, so one run catches up on the hours"
        + " that passed (empty: the stand-in has no events for them, Amplitude answers 404)");
    for (int run = 0; run < MAX_RUNS && !repaired(scenario, export); run++) {
      scenario.clock.set(now);
      RunRecord r = fire(scenario, export);
      out.printf("-- %s: the CronJob fires: %s, %s hour(s) exported, %s re-checked at the source, %s repaired%n",
          now, r.result(), r.hours(), r.verifiedHours(), r.repairedHours());
      now = now.plus(Duration.ofHours(1));
    }
    Awaitility.await().until(() -> repaired(scenario, export));
    out.println();
    out.println("$ kubectl get bqx -n " + ExportScenario.NAMESPACE + " -o wide");
    out.print(new KubectlView(scenario.clock.instant()).get(Crds.named("bigqueryexports.bqexport.io"),
        List.of(scenario.get(export)), true));
    out.print(ExportDescribe.of(scenario, export));
  }

  /** The CronJob fires; returns the run once the status carries its summary. */
  private static RunRecord fire(ExportScenario scenario, String export) {
    String job = scenario.fire(export).job().getMetadata().getName();
    Awaitility.await().until(() -> record(scenario, export, job) != null);
    return record(scenario, export, job);
  }

  private static RunRecord record(ExportScenario scenario, String export, String job) {
    List<RunRecord> runs = scenario.get(export).getStatus().runs();
    return runs == null ? null : runs.stream().filter(r -> r.job().equals(job) && r.verifiedHours() != null)
        .findFirst().orElse(null);
  }

  private static boolean repaired(ExportScenario scenario, String export) {
    IntegrityStatus integrity = scenario.get(export).getStatus().integrity();
    return integrity != null && integrity.hoursRepaired() != null && integrity.hoursRepaired() > 0;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
