package io.bqexport.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * N BigQueryExports with their run history, each a copy of one export that a real operator brought to Ready and
 * recorded history for: the copies differ in the export's name and in every uid, and are rendered on demand from
 * one template per object of the original (the export, its {@code runs} Jobs and Pods), so 10,000 exports with
 * 240,000 Jobs and 240,000 Pods take a few hundred KiB, not gigabytes.
 */
final class ExportFleet {
  static final int EXPORT = 1;
  static final int CRONJOB = 2;
  static final int CONFIGMAP = 3;
  static final int JOB = 4;
  static final int POD = 5;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "export-";

  /** What the templates are taken from: JSON as the API returned it, of one export and its history. */
  record Original(String export, List<String> jobs, List<String> pods, String cronJobUid) {}

  final int exports;
  final int runs;
  private final String originalName;
  private final ObjectTemplate export;
  private final List<ObjectTemplate> jobs = new ArrayList<>();
  private final List<ObjectTemplate> pods = new ArrayList<>();
  private final List<Map<String, String>> jobLabels = new ArrayList<>();
  private final List<Map<String, String>> podLabels = new ArrayList<>();
  private final List<Map<String, String>> jobFields = new ArrayList<>();
  private final List<Map<String, String>> podFields = new ArrayList<>();

  ExportFleet(Original original, int exports) throws Exception {
    this.exports = exports;
    this.runs = original.jobs().size();
    JsonNode exportNode = JSON.readTree(original.export());
    originalName = exportNode.path("metadata").path("name").asText();
    Map<String, IntFunction<String>> variables = new LinkedHashMap<>();
    variables.put(originalName, ExportFleet::name);
    variables.put(exportNode.path("metadata").path("uid").asText(), i -> uid(EXPORT, 0, i));
    variables.put(original.cronJobUid(), i -> uid(CRONJOB, 0, i));
    for (int k = 0; k < runs; k++) {
      int run = k;
      variables.put(uidOf(original.jobs().get(k)), i -> uid(JOB, run, i));
      variables.put(uidOf(original.pods().get(k)), i -> uid(POD, run, i));
    }
    export = new ObjectTemplate(original.export(), variables);
    for (int k = 0; k < runs; k++) {
      jobs.add(new ObjectTemplate(original.jobs().get(k), variables));
      pods.add(new ObjectTemplate(original.pods().get(k), variables));
      jobLabels.add(labels(original.jobs().get(k)));
      podLabels.add(labels(original.pods().get(k)));
      jobFields.add(fields(original.jobs().get(k)));
      podFields.add(fields(original.pods().get(k)));
    }
  }

  static String name(int i) {
    return String.format(Locale.ROOT, PREFIX + "%05d", i);
  }

  /** The export a name (an export's or a child's, which start with it) belongs to, or -1. */
  static int index(String name) {
    if (name == null || !name.startsWith(PREFIX) || name.length() < PREFIX.length() + 5) {
      return -1;
    }
    try {
      return Integer.parseInt(name.substring(PREFIX.length(), PREFIX.length() + 5));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A uid unique per kind, run and export, in the API server's UUID form. */
  static String uid(int kind, int run, int i) {
    return String.format(Locale.ROOT, "%08x-%04x-4000-8000-%012x", kind, run, i);
  }

  void export(int i, StringBuilder out) {
    export.render(i, out);
  }

  String export(int i) {
    return export.render(i);
  }

  void job(int i, int run, StringBuilder out) {
    jobs.get(run).render(i, out);
  }

  void pod(int i, int run, StringBuilder out) {
    pods.get(run).render(i, out);
  }

  Map<String, String> jobLabels(int i, int run) {
    return labelsOf(jobLabels.get(run), i);
  }

  Map<String, String> podLabels(int i, int run) {
    return labelsOf(podLabels.get(run), i);
  }

  /** The fields a field selector may ask of run {@code run}'s Job or Pod of export {@code i}. */
  Map<String, String> jobFields(int i, int run) {
    return labelsOf(jobFields.get(run), i);
  }

  Map<String, String> podFields(int i, int run) {
    return labelsOf(podFields.get(run), i);
  }

  private static Map<String, String> fields(String json) throws Exception {
    JsonNode object = JSON.readTree(json);
    Map<String, String> fields = new HashMap<>();
    fields.put("metadata.name", object.path("metadata").path("name").asText());
    fields.put("metadata.namespace", object.path("metadata").path("namespace").asText());
    fields.put("status.phase", object.path("status").path("phase").asText());
    return fields;
  }

  private Map<String, String> labelsOf(Map<String, String> original, int i) {
    Map<String, String> labels = new HashMap<>(original);
    labels.replaceAll((k, v) -> v.replace(originalName, name(i)));
    return labels;
  }

  private static String uidOf(String json) throws Exception {
    return JSON.readTree(json).path("metadata").path("uid").asText();
  }

  static Map<String, String> labels(String json) throws Exception {
    Map<String, String> labels = new HashMap<>();
    JSON.readTree(json).path("metadata").path("labels").fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }
}
