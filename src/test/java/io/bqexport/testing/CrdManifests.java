package io.bqexport.testing;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the BigQueryExport and BigQueryBackfill documents of a manifest (a sample file, a README example) against
 * the committed CRDs' OpenAPI schemas and CEL rules, as the API server would on create ({@link SchemaValidation}).
 * The mock API server enforces neither, so a test that only applies a manifest proves nothing about its values.
 */
public final class CrdManifests {
  private static final Map<String, String> CRD_OF_KIND = Map.of(
      "BigQueryExport", "bigqueryexports.bqexport.io", "BigQueryBackfill", "bigquerybackfills.bqexport.io");
  /** kubectl heredocs and yaml code blocks of a Markdown file. */
  private static final Pattern EXAMPLE = Pattern.compile("<<'?YAML'?\\n(.*?)\\nYAML|```ya?ml\\n(.*?)```",
      Pattern.DOTALL);

  private CrdManifests() {}

  /** "Kind/name: violation" for each of our resources in the (multi-document) YAML; empty when all are valid. */
  public static List<String> violations(String yaml) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> document : documents(yaml)) {
      String crd = CRD_OF_KIND.get(String.valueOf(document.get("kind")));
      if (crd == null) {
        continue;
      }
      Object name = document.get("metadata") instanceof Map<?, ?> m ? m.get("name") : null;
      new SchemaValidation(Crds.named(crd)).violations(document, null)
          .forEach(v -> out.add(document.get("kind") + "/" + name + ": " + v));
    }
    return out;
  }

  /** How many of our resources the YAML holds, so a test can tell that it checked something. */
  public static long count(String yaml) {
    return documents(yaml).stream().filter(d -> CRD_OF_KIND.containsKey(String.valueOf(d.get("kind")))).count();
  }

  /** The YAML examples (heredocs and code blocks) of a Markdown text that declare one of our resources. */
  public static List<String> examplesIn(String markdown) {
    List<String> examples = new ArrayList<>();
    Matcher m = EXAMPLE.matcher(markdown);
    while (m.find()) {
      String yaml = m.group(1) != null ? m.group(1) : m.group(2);
      if (count(yaml) > 0) {
        examples.add(yaml);
      }
    }
    return examples;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String yaml) {
    try (MappingIterator<Object> docs = new YAMLMapper().readerFor(Object.class).readValues(yaml)) {
      List<Map<String, Object>> out = new ArrayList<>();
      while (docs.hasNext()) {
        if (docs.next() instanceof Map<?, ?> map) {
          out.add((Map<String, Object>) map);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
