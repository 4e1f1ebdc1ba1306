package io.bqexport.bigquery;

import io.bqexport.ExportWindow;

/** Maps one source line to a row of its table ({@link EventMapper}, {@link MergeIdMapper}). */
@FunctionalInterface
public interface LineMapper {

  /** The row, routed to an hour inside {@code routing}. */
  MappedEvent map(String line, ExportWindow routing) throws MalformedEventException;
}
