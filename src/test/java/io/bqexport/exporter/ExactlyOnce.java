package io.bqexport.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.bqexport.testing.amplitude.GeneratedEvents;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariant of the adversarial matrix, per hour of a source: COUNT(*) = COUNT(DISTINCT uuid) = the source's
 * count, and the ledger's row_count = the table's rows.
 */
final class ExactlyOnce {

  private ExactlyOnce() {}

  static void assertHolds(ExporterHarness h, String dataset, String sourceId, GeneratedEvents source,
      List<Instant> hours) {
    String table = "`" + ExporterHarness.PROJECT + "." + dataset + "." + ExporterHarness.TABLE + "`";
    String ledger = "`" + ExporterHarness.PROJECT + "." + dataset + "._bqexport_ledger`";
    Map<Instant, long[]> rows = new HashMap<>();
    for (Map<String, Object> r : h.query("SELECT bqexport_hour AS hour, COUNT(*) AS n, COUNT(DISTINCT uuid) AS d"
        + " FROM " + table + " WHERE bqexport_source = '" + sourceId + "' GROUP BY bqexport_hour")) {
      rows.put((Instant) r.get("hour"), new long[] {number(r.get("n")), number(r.get("d"))});
    }
    Map<Instant, Long> ledgerRows = new HashMap<>();
    for (Map<String, Object> r : h.query("SELECT hour, row_count, (SELECT COUNT(*) FROM " + ledger + " AS l2"
        + " WHERE l2.hour = l.hour AND l2.source = l.source) AS copies FROM " + ledger + " AS l WHERE source = '"
        + sourceId + "'")) {
      assertThat(number(r.get("copies"))).as("ledger rows of hour %s", r.get("hour")).isEqualTo(1);
      ledgerRows.put((Instant) r.get("hour"), number(r.get("row_count")));
    }
    for (Instant hour : hours) {
      long expected = source.count(hour);
      long[] counted = rows.getOrDefault(hour, new long[] {0, 0});
      assertThat(counted[0]).as("rows of %s", hour).isEqualTo(expected);
      assertThat(counted[1]).as("distinct uuids of %s", hour).isEqualTo(expected);
      assertThat(ledgerRows).as("ledger of %s", hour).containsEntry(hour, expected);
    }
  }

  static String sourceId(String exportName) {
    return "amplitude:default/" + exportName;
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }
}
