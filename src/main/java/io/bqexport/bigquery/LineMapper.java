package io.bqexport.bigquery;

import io.bqexport.ExportWindow;
import java.nio.charset.StandardCharsets;

/** Maps one source line to a row of its table ({@link EventMapper}, {@link MergeIdMapper}). */
@FunctionalInterface
public interface LineMapper {

  /** The row, routed to an hour inside {@code routing}. */
  MappedEvent map(String line, ExportWindow routing) throws MalformedEventException;

  /** The same for the line's bytes, which must be valid UTF-8; mappers that parse bytes directly override it. */
  default MappedEvent mapUtf8(byte[] line, ExportWindow routing) throws MalformedEventException {
    return map(new String(line, StandardCharsets.UTF_8), routing);
  }
}
