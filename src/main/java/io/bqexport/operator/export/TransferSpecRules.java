package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.SpecDurations;
import io.bqexport.operator.status.Problem;
import io.bqexport.transfer.TransferSchedule;
import io.bqexport.transfer.TransferSpecException;
import java.util.List;

/**
 * What delivery TransferService needs of a spec beyond the CRD's CEL rules (repeated here for API servers without
 * them): the storage source, an hourly schedule (one run loads one hour), and nothing the Transfer Service cannot
 * do: it loads whole files, so it cannot filter events, and its configs have no suspend that bqexport maps yet.
 */
final class TransferSpecRules {
  private TransferSpecRules() {}

  static void check(List<Problem> problems, BigQueryExportSpec spec) {
    if (!spec.transferService()) {
      if (spec.transfer() != null) {
        problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.transfer is used only with spec.delivery:"
            + " TransferService; remove it or set the delivery"));
      }
      return;
    }
    if (spec.source().storage() == null) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.delivery: TransferService needs spec.source.storage: the"
          + " Transfer Service loads Amplitude's Cloud Storage export; with the Export API source use delivery:"
          + " Direct"));
      return;
    }
    if (spec.data().events() != null && spec.data().events().filter() != null) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.data.events.filter cannot be applied with delivery"
          + " TransferService: the Transfer Service loads whole files. Remove the filter (and filter in queries),"
          + " or use delivery: Direct"));
    }
    String prefix = spec.source().storage().gcs() == null ? null : spec.source().storage().gcs().prefix();
    if (prefix != null && prefix.matches(".*[*{}].*")) {
      // data_path_template reads '*' as a wildcard and {...} as a run-time parameter (Cloud Storage transfers
      // documentation), so such a prefix would load other folders' files rather than this literal folder.
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.source.storage.gcs.prefix '" + prefix + "' contains '*',"
          + " '{' or '}', which the Transfer Service reads as a wildcard or a run-time parameter, not as part of the"
          + " folder name. Give Amplitude a folder without them, or use delivery: Direct"));
    }
    if (spec.suspend()) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.suspend is not supported with delivery TransferService:"
          + " the transfer configs would keep running. Set suspend: false, or use delivery: Direct to suspend"));
    }
    try {
      TransferSchedule.fromCron(spec.schedule(), SpecDurations.parse("spec.availabilityDelay",
          spec.availabilityDelay()));
    } catch (TransferSpecException e) {
      problems.add(Problem.of(Reasons.INVALID_SCHEDULE, e.getMessage()));
    } catch (IllegalArgumentException e) {
      // an unparsable availabilityDelay is reported by its own rule
    }
  }
}
