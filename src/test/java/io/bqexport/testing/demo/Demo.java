package io.bqexport.testing.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryExport;
import io.bqexport.testing.Crds;
import io.bqexport.testing.KubectlView;
import io.bqexport.testing.KubernetesStandIn;
import io.bqexport.testing.OperatorUnderTest;
import io.bqexport.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * `make demo`: the real operator against a local Kubernetes API stand-in with the CRDs, applying samples/ and
 * printing what a kubectl user would see.
 */
public final class Demo {
  static final String NAMESPACE = "analytics";
  private static final List<String> SAMPLES =
      List.of("secrets.yaml", "export-minimal.yaml", "export-full.yaml", "backfill.yaml");

  private final PrintStream out;

  public Demo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    int code = new Demo(System.out).run();
    System.exit(code);
  }

  public int run() {
    try (KubernetesStandIn kubernetes = new KubernetesStandIn().namespace(NAMESPACE);
         OperatorUnderTest operator = new OperatorUnderTest(kubernetes, Clock.systemUTC())) {
      out.println("== Local Kubernetes API with the bqexport CRDs; operator started");
      for (String sample : SAMPLES) {
        kubernetes.apply(ProjectFiles.resolve("samples/" + sample), NAMESPACE)
            .forEach(o -> out.println("$ kubectl apply -f samples/" + sample + "   # "
                + o.getKind().toLowerCase() + "/" + o.getMetadata().getName() + " created"));
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> settled(kubernetes));
      print(kubernetes);
      return 0;
    } catch (RuntimeException e) {
      out.println("demo failed: " + e.getMessage());
      return 1;
    }
  }

  private static boolean settled(KubernetesStandIn kubernetes) {
    return kubernetes.client().resources(BigQueryExport.class).inNamespace(NAMESPACE).list().getItems().stream()
        .allMatch(e -> e.getStatus() != null)
        && kubernetes.client().resources(BigQueryBackfill.class).inNamespace(NAMESPACE).list().getItems().stream()
        .allMatch(b -> b.getStatus() != null);
  }

  private void print(KubernetesStandIn kubernetes) {
    KubectlView view = new KubectlView(Instant.now());
    var exports = kubernetes.client().resources(BigQueryExport.class).inNamespace(NAMESPACE).list().getItems();
    var backfills = kubernetes.client().resources(BigQueryBackfill.class).inNamespace(NAMESPACE).list().getItems();
    out.println();
    out.println("$ kubectl get bqx -n " + NAMESPACE + " -o wide");
    out.print(view.get(Crds.named("bigqueryexports.bqexport.io"), exports, true));
    out.println();
    out.println("$ kubectl get bqbf -n " + NAMESPACE);
    out.print(view.get(Crds.named("bigquerybackfills.bqexport.io"), backfills, false));
    ObjectMapper json = new ObjectMapper();
    for (BigQueryExport export : exports) {
      out.println();
      out.println("$ kubectl describe bqx/" + export.getMetadata().getName() + "   # Conditions:");
      out.print(view.conditions(json.valueToTree(export.getStatus().conditions())));
    }
    for (BigQueryBackfill backfill : backfills) {
      out.println();
      out.println("$ kubectl describe bqbf/" + backfill.getMetadata().getName() + "   # Conditions:");
      out.print(view.conditions(json.valueToTree(backfill.getStatus().conditions())));
    }
    out.println();
    out.println("$ kubectl get events -n " + NAMESPACE);
    List<Event> events = kubernetes.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .sorted(Comparator.comparing(Event::getLastTimestamp)).toList();
    for (Event e : events) {
      out.printf("%-8s %-18s %s/%s: %s%n", e.getType(), e.getReason(), e.getInvolvedObject().getKind(),
          e.getInvolvedObject().getName(), e.getMessage());
    }
  }
}
