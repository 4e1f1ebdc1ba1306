package io.bqexport.testing.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.api.v1alpha1.IntegrityStatus;
import io.bqexport.api.v1alpha1.RepairedHourStatus;
import io.bqexport.api.v1alpha1.RunRecord;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.KubectlView;
import io.fabric8.kubernetes.api.model.Event;
import java.util.Comparator;
import java.util.List;

/** `kubectl describe bqx/NAME` as the demo prints it: status, conditions, runs, integrity and the Events. */
final class ExportDescribe {
  private ExportDescribe() {}

  static String of(ExportScenario scenario, String name) {
    return of(scenario.kubernetes.client(), scenario.clock.instant(), name);
  }

  static String of(io.fabric8.kubernetes.client.KubernetesClient client, java.time.Instant now, String name) {
    KubectlView view = new KubectlView(now);
    BigQueryExport export = client.resources(BigQueryExport.class).inNamespace(ExportScenario.NAMESPACE)
        .withName(name).get();
    StringBuilder out = new StringBuilder();
    out.append("\n$ kubectl describe bqx/").append(name).append('\n');
    out.append("Status:\n");
    out.append("  Exported Through:  ").append(export.getStatus().exportedThrough()).append('\n');
    out.append("  Missing Hours:     ").append(export.getStatus().missingHours()).append('\n');
    out.append("  Credentials:       ").append(export.getStatus().credentials().serviceAccount()).append(" (")
        .append(export.getStatus().credentials().keyFingerprint()).append(")\n");
    integrity(out, export.getStatus().integrity());
    if (export.getStatus().transfer() != null) {
      out.append("  Transfer:\n    Configs:\n");
      export.getStatus().transfer().configs().forEach(c -> out.append("      ").append(c.table()).append(": ")
          .append(c.name()).append(" (").append(c.displayName()).append(")\n"));
    }
    out.append("  Conditions:\n");
    out.append(view.conditions(new ObjectMapper().valueToTree(export.getStatus().conditions())));
    out.append("  Runs:\n");
    out.append(String.format("    %-28s %-10s %-9s %5s %7s %8s %8s  %s%n", "JOB", "TRIGGER", "RESULT", "HOURS", "ROWS",
        "VERIFIED", "REPAIRED", "COMMITTED"));
    for (RunRecord r : export.getStatus().runs()) {
      out.append(String.format("    %-28s %-10s %-9s %5s %7s %8s %8s  %s%n", r.job(), orEmpty(r.trigger()), r.result(),
          r.hours(), r.rows(), orEmpty(r.verifiedHours()), orEmpty(r.repairedHours()),
          r.committed() == null ? "" : r.committed()));
    }
    out.append("Events:\n");
    List<Event> events = client.v1().events().inNamespace(ExportScenario.NAMESPACE).list()
        .getItems().stream().sorted(Comparator.comparing(Event::getFirstTimestamp)).toList();
    for (Event e : events) {
      out.append(String.format("  %-8s %-20s %s%n", e.getType(), e.getReason(), e.getMessage()));
    }
    return out.toString();
  }

  private static void integrity(StringBuilder out, IntegrityStatus integrity) {
    if (integrity == null) {
      return;
    }
    out.append("  Integrity:\n");
    out.append("    Verified Through:  ").append(integrity.verifiedThrough()).append('\n');
    out.append("    Hours Verified:    ").append(integrity.hoursVerified()).append('\n');
    out.append("    Hours Repaired:    ").append(integrity.hoursRepaired()).append('\n');
    out.append("    Last Verified At:  ").append(integrity.lastVerifiedAt()).append('\n');
    if (integrity.lastRepairs() != null) {
      out.append("    Last Repairs:\n");
      out.append(String.format("      %-22s %8s %8s  %s%n", "HOUR", "BEFORE", "AFTER", "AT"));
      for (RepairedHourStatus r : integrity.lastRepairs()) {
        out.append(String.format("      %-22s %8d %8d  %s%n", r.hour(), r.before(), r.after(), r.at()));
      }
    }
  }

  private static String orEmpty(Object value) {
    return value == null ? "" : value.toString();
  }
}
