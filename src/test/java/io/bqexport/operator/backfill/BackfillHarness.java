package io.bqexport.operator.backfill;

import io.bqexport.api.v1alpha1.BackfillMode;
import io.bqexport.api.v1alpha1.BigQueryBackfill;
import io.bqexport.api.v1alpha1.BigQueryBackfillSpec;
import io.bqexport.api.v1alpha1.Condition;
import io.bqexport.api.v1alpha1.ExportRef;
import io.bqexport.testing.ExportScenario;
import io.bqexport.testing.IndexedJobControllerStandIn;
import io.bqexport.testing.Waits;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Backfill verbs over an {@link ExportScenario}: create, patch, wait for status, drive the Indexed Job, query. */
final class BackfillHarness {
  static final String NS = ExportScenario.NAMESPACE;
  final ExportScenario scenario;

  BackfillHarness(ExportScenario scenario) {
    this.scenario = scenario;
  }

  BigQueryBackfill create(String name, String export, Instant start, Instant end, BackfillMode mode, int chunkHours,
      int parallelism) {
    BigQueryBackfill backfill = new BigQueryBackfill();
    backfill.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    backfill.setSpec(new BigQueryBackfillSpec(new ExportRef(export), start.toString(), end.toString(), mode,
        chunkHours, parallelism, false));
    return scenario.kubernetes.client().resource(backfill).create();
  }

  BigQueryBackfill get(String name) {
    return scenario.kubernetes.client().resources(BigQueryBackfill.class).inNamespace(NS).withName(name).get();
  }

  /** `kubectl patch bqbf NAME --type merge -p '{"spec": ...}'`. */
  void patchSpec(String name, Map<String, Object> spec) {
    scenario.kubernetes.client().resources(BigQueryBackfill.class).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            scenario.kubernetes.client().getKubernetesSerialization().asJson(Map.of("spec", spec)));
  }

  /** Waits for the backfill's status; a timeout names its phase, conditions and progress as last seen. */
  BigQueryBackfill await(String name, Predicate<BigQueryBackfill> until) {
    return Waits.until("BigQueryBackfill " + NS + "/" + name, () -> get(name),
        b -> b.getStatus() != null && until.test(b), b -> b.getStatus() == null ? "no status yet"
            : "phase " + b.getStatus().phase() + ", conditions " + b.getStatus().conditions() + ", progress "
                + b.getStatus().progress());
  }

  BigQueryBackfill awaitPhase(String name, String phase) {
    return await(name, b -> phase.equals(b.getStatus().phase()));
  }

  static Optional<Condition> condition(BigQueryBackfill backfill, String type) {
    return backfill.getStatus() == null || backfill.getStatus().conditions() == null ? Optional.empty()
        : backfill.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst();
  }

  Job awaitJob(String backfill) {
    String name = backfill + "-backfill";
    return Waits.until("Job " + NS + "/" + name, () -> job(name), j -> true, j -> "");
  }

  Job job(String name) {
    return scenario.kubernetes.client().batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  IndexedJobControllerStandIn.Wave wave(String backfill) {
    return scenario.indexedJobs.wave(NS, backfill + "-backfill", scenario.clock.instant());
  }

  List<IndexedJobControllerStandIn.Wave> runToEnd(String backfill) {
    return scenario.indexedJobs.runToEnd(NS, backfill + "-backfill", scenario.clock.instant(), 50);
  }

  /** Waits until the export's credentials are valid, which a backfill waits for. */
  void awaitExportValid(String export) {
    scenario.await(export, "CredentialsValid", Condition::isTrue);
  }

  long count(String sql) {
    Object n = scenario.bigquery.query(ExportScenario.PROJECT, sql).get(0).get("n");
    return ((Number) n).longValue();
  }

  long distinctEvents() {
    return count("SELECT COUNT(DISTINCT uuid) AS n FROM `" + table("events") + "`");
  }

  List<Map<String, Object>> ledger() {
    return scenario.bigquery.query(ExportScenario.PROJECT, "SELECT hour, row_count, generation FROM `"
        + table("_bqexport_ledger") + "` ORDER BY hour");
  }

  /** Reasons of the Events recorded on backfills, oldest first. */
  List<String> eventReasons() {
    return scenario.kubernetes.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "BigQueryBackfill".equals(e.getInvolvedObject().getKind()))
        .map(io.fabric8.kubernetes.api.model.Event::getReason).toList();
  }

  static String table(String name) {
    return ExportScenario.PROJECT + "." + ExportScenario.DATASET + "." + name;
  }
}
