package io.bqexport.testing.amplitude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** What the stand-in serves: the export files of each upload hour. */
public interface ExportDataSource {
  /** The files of the hour in file order; empty when the hour has no data. */
  List<ExportFile> files(Instant hour);

  /** Events of the hour. */
  default long count(Instant hour) {
    return files(hour).stream().mapToLong(ExportFile::events).sum();
  }

  /** The value of {@code field} (e.g. "uuid", "$insert_id") of every event of the hour, in file order. */
  default List<String> values(Instant hour, String field) {
    ObjectMapper mapper = new ObjectMapper();
    List<String> values = new ArrayList<>();
    try {
      for (ExportFile file : files(hour)) {
        for (Iterator<String> lines = file.lines(); lines.hasNext(); ) {
          JsonNode value = mapper.readTree(lines.next()).get(field);
          values.add(value == null || value.isNull() ? null : value.asText());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }
}
