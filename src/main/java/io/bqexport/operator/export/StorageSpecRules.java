package io.bqexport.operator.export;

import io.bqexport.api.v1alpha1.ApiPatterns;
import io.bqexport.api.v1alpha1.BigQueryExportSpec;
import io.bqexport.api.v1alpha1.EventFilterSpec;
import io.bqexport.api.v1alpha1.FilterRuleSpec;
import io.bqexport.api.v1alpha1.Reasons;
import io.bqexport.api.v1alpha1.StorageSourceSpec;
import io.bqexport.operator.status.Problem;
import java.util.List;

/**
 * The CRD's rules for the storage source, merged IDs, event filters and Workload Identity, repeated for an API server
 * that does not enforce them (an old CRD, a mock). Messages name the field, as the CRD's do.
 */
final class StorageSpecRules {
  private StorageSpecRules() {}

  /** spec.source.storage: bucket name, prefix, IDs, the merged-ID layout and the key Secret. */
  static void check(List<Problem> problems, StorageSourceSpec storage) {
    String bucket = storage.gcs().bucket();
    ExportSpecValidator.pattern(problems, "spec.source.storage.gcs.bucket", bucket, ApiPatterns.BUCKET,
        "use the bucket name without gs://: lowercase letters, digits, '-', '_' and '.', starting and ending with a"
            + " letter or digit");
    if (bucket.length() < 3 || bucket.length() > 222 || (!bucket.contains(".") && bucket.length() > 63)) {
      problems.removeIf(p -> p.message().startsWith("spec.source.storage.gcs.bucket '"));
      invalid(problems, "spec.source.storage.gcs.bucket '" + bucket + "' has " + bucket.length() + " characters: a"
          + " bucket name has 3 to 63 (up to 222 with dots)");
    }
    if (bucket.startsWith("goog") || bucket.contains("google")) {
      invalid(problems, "spec.source.storage.gcs.bucket '" + bucket + "' cannot start with 'goog' or contain"
          + " 'google' (Cloud Storage naming rules); use the bucket name given to Amplitude");
    }
    if (storage.gcs().prefix() != null) {
      ExportSpecValidator.pattern(problems, "spec.source.storage.gcs.prefix", storage.gcs().prefix(),
          ApiPatterns.OBJECT_PREFIX, "use the folder given to Amplitude, on one line");
    }
    ExportSpecValidator.pattern(problems, "spec.source.storage.appId", storage.appId(), ApiPatterns.AMPLITUDE_ID,
        "use the Amplitude project ID, digits only (e.g. 187520)");
    if (storage.orgId() != null) {
      ExportSpecValidator.pattern(problems, "spec.source.storage.orgId", storage.orgId(), ApiPatterns.AMPLITUDE_ID,
          "use the Amplitude organisation ID, digits only, without the minus sign of its folder (e.g. 189524)");
      if (storage.legacyMergeIdLayout()) {
        invalid(problems, "spec.source.storage: set orgId (merged IDs under -ORGID/) or legacyMergeIdLayout: true"
            + " (merged IDs under APPID/), not both");
      }
    }
    if (storage.credentials().secretRef() != null) {
      ExportSpecValidator.secretRef(problems, "spec.source.storage.credentials.secretRef",
          storage.credentials().secretRef().name(), storage.credentials().secretRef().key());
    }
  }

  /** spec.data (merged IDs need the storage source; filters) and the service account Workload Identity needs. */
  static void checkData(List<Problem> problems, BigQueryExportSpec spec) {
    var mergeIds = spec.data().mergeIds();
    StorageSourceSpec storage = spec.source().storage();
    if (mergeIds.enabled()) {
      if (storage == null || (storage.orgId() == null && !storage.legacyMergeIdLayout())) {
        invalid(problems, "spec.data.mergeIds.enabled needs spec.source.storage with orgId (or legacyMergeIdLayout:"
            + " true): Amplitude delivers merged IDs only through its Cloud Storage export, not the Export API");
      }
      ExportSpecValidator.pattern(problems, "spec.data.mergeIds.table", mergeIds.table(), ApiPatterns.TABLE,
          "start with a letter or underscore, then letters, digits and underscores");
      if (mergeIds.table().equals(spec.data().events().table())) {
        invalid(problems, "spec.data.mergeIds.table names the events table; give the Merge IDs table its own name"
            + " (default merge_ids)");
      }
    }
    EventFilterSpec filter = spec.data().events().filter();
    if (filter != null) {
      rules(problems, "spec.data.events.filter.include", filter.include());
      rules(problems, "spec.data.events.filter.exclude", filter.exclude());
    }
    if (spec.destination().usesWorkloadIdentity() && spec.destination().projectId() == null) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.destination.projectId is required with"
          + " credentials.workloadIdentity: there is no key to take the project from"));
    }
    boolean workloadIdentity = spec.destination().usesWorkloadIdentity()
        || (storage != null && storage.credentials().usesWorkloadIdentity());
    String account = spec.pod().serviceAccountName();
    if (workloadIdentity && (account == null || account.isEmpty())) {
      problems.add(Problem.of(Reasons.INVALID_SPEC, "spec.pod.serviceAccountName is required with workloadIdentity:"
          + " name the Kubernetes service account that is bound to the Google service account (annotation"
          + " iam.gke.io/gcp-service-account)"));
    } else if (account != null && !account.isEmpty()) {
      ExportSpecValidator.pattern(problems, "spec.pod.serviceAccountName", account, ApiPatterns.OBJECT_NAME,
          "name a service account in this namespace");
    }
  }

  private static void rules(List<Problem> problems, String field, List<FilterRuleSpec> rules) {
    if (rules == null) {
      return;
    }
    if (rules.size() > EventFilterSpec.MAX_RULES) {
      invalid(problems, field + " has " + rules.size() + " rules, at most " + EventFilterSpec.MAX_RULES + " are"
          + " allowed; use prefix rules to cover many event types");
    }
    for (int i = 0; i < rules.size(); i++) {
      FilterRuleSpec rule = rules.get(i);
      if (rule == null || (rule.eventType() == null) == (rule.prefix() == null)) {
        invalid(problems, field + "[" + i + "]: set exactly one of eventType (an exact event type) and prefix"
            + " (event types starting with it)");
      } else if ((rule.eventType() != null ? rule.eventType() : rule.prefix()).isEmpty()) {
        invalid(problems, field + "[" + i + "]: an empty " + (rule.eventType() != null ? "eventType" : "prefix")
            + " matches nothing useful; name an event type or a non-empty prefix");
      } else if ((rule.eventType() != null ? rule.eventType() : rule.prefix()).length() > FilterRuleSpec.MAX_LENGTH) {
        // The CRD's maxLength, repeated: unchecked, huge rules make a ConfigMap the API server refuses (1 MiB).
        invalid(problems, field + "[" + i + "]." + (rule.eventType() != null ? "eventType" : "prefix") + " has "
            + (rule.eventType() != null ? rule.eventType() : rule.prefix()).length() + " characters, at most "
            + FilterRuleSpec.MAX_LENGTH + " are allowed; use a shorter prefix");
      }
    }
  }

  private static void invalid(List<Problem> problems, String message) {
    problems.add(Problem.of(Reasons.INVALID_SPEC, message));
  }
}
