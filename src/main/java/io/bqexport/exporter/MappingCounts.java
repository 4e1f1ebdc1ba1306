package io.bqexport.exporter;

/**
 * What the mapping of committed windows skipped or repaired, for the run summary.
 *
 * @param skippedLines bad lines skipped under source.maxBadRecords
 * @param replacedSurrogates lone surrogates replaced by U+FFFD
 * @param valuesInExtra values of schema columns kept in extra because they do not fit their column's type
 */
record MappingCounts(long skippedLines, long replacedSurrogates, long valuesInExtra) {

  static final MappingCounts NONE = new MappingCounts(0, 0, 0);

  MappingCounts plus(MappingCounts other) {
    return new MappingCounts(skippedLines + other.skippedLines, replacedSurrogates + other.replacedSurrogates,
        valuesInExtra + other.valuesInExtra);
  }
}
